# Every CppUnit suite, by level. A suite named here but not registered in a source fails its CTest
# test with "no suite", so this list and the sources cannot drift apart silently.
add_subdirectory(plugins)

file(GLOB _unit_sources CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/unit/*.cpp
    ${PROJECT_SOURCE_DIR}/plugins/*/tests/unit/*.cpp)
file(GLOB _integration_sources CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/integration/*.cpp
    ${PROJECT_SOURCE_DIR}/plugins/*/tests/integration/*.cpp)
file(GLOB _acceptance_sources CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/acceptance/*.cpp
    ${PROJECT_SOURCE_DIR}/plugins/*/tests/acceptance/*.cpp)

set(MERCATO_UNIT_SUITES)
set(MERCATO_INTEGRATION_SUITES)
set(MERCATO_ACCEPTANCE_SUITES)
include(${CMAKE_CURRENT_SOURCE_DIR}/suite-list.cmake)

mercato_test_level(unit SOURCES ${_unit_sources} SUITES ${MERCATO_UNIT_SUITES}
    LINK mercato-host-core accounts-core ecommerce-core delivery-core scheduler-core crypt)
mercato_test_level(integration SOURCES ${_integration_sources} SUITES ${MERCATO_INTEGRATION_SUITES}
    LINK mercato-host-core accounts-core ecommerce-core delivery-core scheduler-core crypt)
mercato_test_level(acceptance SOURCES ${_acceptance_sources} SUITES ${MERCATO_ACCEPTANCE_SUITES}
    LINK mercato-host-core
    ENV "MERCATO_TEST_PLUGIN_DIR=${MERCATO_TEST_PLUGIN_DIR}")
# Acceptance tests drive the real binary and plugins: build them first.
add_dependencies(mercato-acceptance-tests mercato accounts ecommerce delivery scheduler wrongabi notaplugin)
