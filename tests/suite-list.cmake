# The suites of each level (the class names given to CPPUNIT_TEST_SUITE_NAMED_REGISTRATION).
list(APPEND MERCATO_UNIT_SUITES
    ValidatorTest
    HttpClientTest
    RouteTableTest
    TokenServiceTest
    ConfigStoreTest
    MigratorTest
    PasswordHasherTest
    OrderRulesTest
    WebhookSignatureTest
    StatusMachineTest
    SlotsTest
    SettlementTest
    LeaseKeeperTest
    TaskRunnerTest
    DispatchRelayTest
    WebhookSenderTest
)
list(APPEND MERCATO_INTEGRATION_SUITES
    DatabaseSqliteTest
    DatabaseMysqlTest
    SqlUserStoreSqliteTest
    SqlUserStoreMysqlTest
    SqlMarketStoreSqliteTest
    SqlMarketStoreMysqlTest
    SqlDeliveryStoreSqliteTest
    SqlDeliveryStoreMysqlTest
    SchedulerStoreSqliteTest
    SchedulerStoreMysqlTest
)
list(APPEND MERCATO_ACCEPTANCE_SUITES
    HostAcceptanceTest
    HttpFrontAcceptanceTest
    StartupAcceptanceTest
    ExamplePluginAcceptanceTest
    AccountsAcceptanceTest
    EcommerceAcceptanceTest
    DeliveryAcceptanceTest
    EcommerceCatalogAcceptanceTest
    EcommerceOrdersAcceptanceTest
    EcommerceOrderStatusAcceptanceTest
    EcommerceInputAcceptanceTest
    EcommerceConcurrencyAcceptanceTest
    SchedulerAdminAcceptanceTest
    MainFlowAcceptanceTest
    SchedulerFaultAcceptanceTest
)
