// Stock under concurrency against the real binary over HTTP, on SQLite and MariaDB (API.md §2:
// "with stock N and any number of concurrent buyers, exactly N units are sold, never more"):
// 50 buyers racing for 10 units, and a mixed run of buying, removing lines, cancelling and
// confirming whose books must balance: initial = current + sold − restored, for every product.
#include "EcommerceService.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

using namespace mercato::test;

class EcommerceConcurrencyAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceConcurrencyAcceptanceTest);
    CPPUNIT_TEST(fiftyBuyersTenUnitsOnSqlite);
    CPPUNIT_TEST(fiftyBuyersTenUnitsOnMariaDb);
    CPPUNIT_TEST(mixedBuyAndCancelOnSqlite);
    CPPUNIT_TEST(mixedBuyAndCancelOnMariaDb);
    CPPUNIT_TEST_SUITE_END();

public:
    /// Every order line the admin sees, as (order status, product id, quantity).
    struct Line {
        std::string status;
        std::int64_t product = 0, quantity = 0;
    };

    std::vector<Line> allLines(EcommerceService& svc)
    {
        std::vector<Line> lines;
        for (std::int64_t offset = 0;; offset += 500) {
            HttpReply page = svc.http().get("/orders?limit=500&offset=" + str(offset), svc.admin());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(page.body, 200, page.status);
            auto orders = itemsOf(page);
            for (std::size_t i = 0; i < orders->size(); ++i) {
                auto order = orders->getObject(static_cast<unsigned>(i));
                auto products = order->getArray("products");
                for (std::size_t k = 0; k < products->size(); ++k) {
                    auto l = products->getObject(static_cast<unsigned>(k));
                    lines.push_back({order->getValue<std::string>("status"), l->getValue<std::int64_t>("product_id"),
                                     l->getValue<std::int64_t>("quantity")});
                }
            }
            if (offset + 500 >= totalOf(page))
                return lines;
        }
    }

    /// Releases every waiting thread at once, so the requests really race.
    struct StartLine {
        std::atomic<bool> go{false};
        void wait() const
        {
            while (!go.load())
                std::this_thread::yield();
        }
    };

    void fiftyBuyersTenUnits(Backend backend)
    {
        EcommerceService svc(backend);
        Market m = makeMarket(svc, 10, 1);
        constexpr int kBuyers = 50;
        std::vector<std::string> tokens;
        std::vector<std::int64_t> orders; // odd buyers add a line to an order they created; even ones buy in POST /orders
        for (int i = 0; i < kBuyers; ++i) {
            tokens.push_back(signupBuyer(svc, "buyer" + std::to_string(i) + "@example.com"));
            orders.push_back(i % 2 ? idOf(svc.http().post("/orders", "", tokens.back())) : 0);
        }
        std::atomic<int> sold{0}, refused{0}, newOrders{0};
        std::mutex mutex;
        std::vector<std::string> unexpected;
        StartLine start;
        std::vector<std::thread> buyers;
        for (int i = 0; i < kBuyers; ++i)
            buyers.emplace_back([&, i] {
                HttpTestClient client(svc.port());
                start.wait();
                HttpReply r = orders[i] ? client.post("/orders/" + str(orders[i]) + "/products", lineBody(m.productA, 1), tokens[i])
                                        : client.post("/orders", orderBody({{m.productA, 1}}), tokens[i]);
                const std::string expectedError = orders[i] ? "quantity:insufficient_stock" : "products.0:insufficient_stock";
                if (r.status == 201) {
                    ++sold;
                    newOrders += orders[i] ? 0 : 1;
                }
                else if (r.status == 409 && r.errorCodes() == std::vector<std::string>{expectedError})
                    ++refused;
                else {
                    std::lock_guard<std::mutex> lock(mutex);
                    unexpected.push_back(std::to_string(r.status) + " " + r.body);
                }
            });
        start.go = true;
        for (auto& t : buyers)
            t.join();
        CPPUNIT_ASSERT_MESSAGE(unexpected.empty() ? "" : unexpected.front() + "\nhost log:\n" + svc.host().errors(), unexpected.empty());
        CPPUNIT_ASSERT_EQUAL(10, sold.load());
        CPPUNIT_ASSERT_EQUAL(40, refused.load());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stockOf(svc, m.productA));
        const auto lines = allLines(svc);
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), lines.size());
        for (const Line& l : lines)
            CPPUNIT_ASSERT(l.product == m.productA && l.quantity == 1);
        // A refused POST /orders left no order behind.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(kBuyers / 2 + newOrders.load()), totalOf(svc.http().get("/orders", svc.admin())));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stockOf(svc, m.productB));
    }

    void fiftyBuyersTenUnitsOnSqlite() { fiftyBuyersTenUnits(Backend::SQLite); }
    void fiftyBuyersTenUnitsOnMariaDb() { fiftyBuyersTenUnits(Backend::MySQL); }

    void mixedBuyAndCancel(Backend backend)
    {
        EcommerceService svc(backend);
        Market m = makeMarket(svc, 30, 30);
        const std::int64_t productC = createProduct(svc, m.sellerB, m.storeB, "Vase", 30);
        const std::vector<std::int64_t> products{m.productA, m.productB, productC};
        std::map<std::int64_t, std::int64_t> initial;
        for (auto p : products)
            initial[p] = stockOf(svc, p);

        constexpr int kBuyers = 12, kRounds = 15;
        std::vector<std::string> tokens;
        for (int i = 0; i < kBuyers; ++i)
            tokens.push_back(signupBuyer(svc, "mixed" + std::to_string(i) + "@example.com"));
        std::mutex mutex;
        std::map<std::int64_t, std::int64_t> sold, restored;
        std::vector<std::string> unexpected;
        std::atomic<int> refusals{0};
        StartLine start;
        std::vector<std::thread> threads;
        for (int t = 0; t < kBuyers; ++t)
            threads.emplace_back([&, t] {
                HttpTestClient client(svc.port());
                std::mt19937 random(static_cast<unsigned>(1000 + t));
                const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
                struct Open {
                    std::int64_t id;
                    std::vector<std::pair<std::int64_t, std::pair<std::int64_t, std::int64_t>>> lines; // line id -> (product, qty)
                };
                std::vector<Open> open; // my CREATED orders
                const auto fail = [&](const std::string& what, const HttpReply& r) {
                    std::lock_guard<std::mutex> lock(mutex);
                    unexpected.push_back(what + ": " + std::to_string(r.status) + " " + r.body);
                };
                const auto book = [&](std::map<std::int64_t, std::int64_t>& ledger, std::int64_t product, std::int64_t qty) {
                    std::lock_guard<std::mutex> lock(mutex);
                    ledger[product] += qty;
                };
                const auto linesOf = [](const HttpReply& r) {
                    std::vector<std::pair<std::int64_t, std::pair<std::int64_t, std::int64_t>>> lines;
                    auto items = dataOf(r)->getArray("products");
                    for (std::size_t i = 0; i < items->size(); ++i) {
                        auto l = items->getObject(static_cast<unsigned>(i));
                        lines.push_back({l->getValue<std::int64_t>("id"),
                                         {l->getValue<std::int64_t>("product_id"), l->getValue<std::int64_t>("quantity")}});
                    }
                    return lines;
                };
                start.wait();
                for (int round = 0; round < kRounds; ++round) {
                    const int op = open.empty() ? 0 : pick(6);
                    if (op <= 1) { // a new order with 1..3 lines, products in a random order
                        std::vector<std::pair<std::int64_t, std::int64_t>> wanted;
                        auto order = products;
                        std::shuffle(order.begin(), order.end(), random);
                        for (int k = 0, n = 1 + pick(3); k < n; ++k)
                            wanted.push_back({order[static_cast<std::size_t>(k)], 1 + pick(4)});
                        HttpReply r = client.post("/orders", orderBody(wanted), tokens[static_cast<std::size_t>(t)]);
                        if (r.status == 201) {
                            Open o{idOf(r), linesOf(r)};
                            for (const auto& [line, pq] : o.lines)
                                book(sold, pq.first, pq.second);
                            open.push_back(o);
                        } else if (r.status == 409) {
                            ++refusals;
                        } else {
                            fail("POST /orders", r);
                        }
                    } else if (op == 2) { // one more line
                        Open& o = open[static_cast<std::size_t>(pick(static_cast<int>(open.size())))];
                        const std::int64_t product = products[static_cast<std::size_t>(pick(3))], qty = 1 + pick(3);
                        HttpReply r = client.post("/order/" + str(o.id) + "/products", lineBody(product, qty), tokens[static_cast<std::size_t>(t)]);
                        if (r.status == 201) {
                            o.lines.push_back({idOf(r), {product, qty}});
                            book(sold, product, qty);
                        } else if (r.status == 409) {
                            ++refusals;
                        } else {
                            fail("POST line", r);
                        }
                    } else if (op == 3) { // remove a line
                        Open& o = open[static_cast<std::size_t>(pick(static_cast<int>(open.size())))];
                        if (o.lines.empty())
                            continue;
                        const std::size_t k = static_cast<std::size_t>(pick(static_cast<int>(o.lines.size())));
                        const auto [line, pq] = o.lines[k];
                        HttpReply r = client.del("/orders/" + str(o.id) + "/products/" + str(line), tokens[static_cast<std::size_t>(t)]);
                        if (r.status == 200) {
                            book(restored, pq.first, pq.second);
                            o.lines.erase(o.lines.begin() + static_cast<std::ptrdiff_t>(k));
                        } else {
                            fail("DELETE line", r);
                        }
                    } else { // cancel: by the buyer, or confirmed by the seller and cancelled by the admin
                        const std::size_t k = static_cast<std::size_t>(pick(static_cast<int>(open.size())));
                        const Open o = open[k];
                        open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
                        const bool viaAdmin = op == 5 && !o.lines.empty();
                        if (viaAdmin) {
                            HttpReply confirmed = client.put("/orders/" + str(o.id), statusBody("CONFIRMED"), svc.admin());
                            if (confirmed.status != 200) {
                                fail("confirm", confirmed);
                                continue;
                            }
                        }
                        HttpReply r = client.del("/orders/" + str(o.id), viaAdmin ? svc.admin() : tokens[static_cast<std::size_t>(t)]);
                        if (r.status == 200) {
                            for (const auto& [line, pq] : linesOf(r))
                                book(restored, pq.first, pq.second);
                        } else {
                            fail("cancel", r);
                        }
                    }
                }
            });
        start.go = true;
        for (auto& t : threads)
            t.join();
        CPPUNIT_ASSERT_MESSAGE(unexpected.empty() ? "" : unexpected.front() + "\nhost log:\n" + svc.host().errors(), unexpected.empty());

        // The books balance for every product, and agree with the lines of the orders not cancelled.
        std::map<std::int64_t, std::int64_t> held;
        for (const Line& l : allLines(svc))
            if (l.status != "CANCELLED")
                held[l.product] += l.quantity;
        for (auto p : products) {
            const std::int64_t current = stockOf(svc, p);
            CPPUNIT_ASSERT(current >= 0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("product " + str(p), initial[p], current + sold[p] - restored[p]);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("product " + str(p), initial[p] - current, held[p]);
        }
        CPPUNIT_ASSERT_MESSAGE("the run never ran short of stock", refusals.load() > 0);
    }

    void mixedBuyAndCancelOnSqlite() { mixedBuyAndCancel(Backend::SQLite); }
    void mixedBuyAndCancelOnMariaDb() { mixedBuyAndCancel(Backend::MySQL); }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceConcurrencyAcceptanceTest, "acceptance");
