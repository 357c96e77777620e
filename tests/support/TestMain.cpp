// One CppUnit runner for every level: `mercato-tests <level> [SuiteName...]`.
// Suites register with CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(Suite, "unit" | "integration" | "acceptance").
#include "HostProcess.h"

#include <cppunit/CompilerOutputter.h>
#include <cppunit/Test.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TextTestProgressListener.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

CppUnit::Test* findSuite(CppUnit::Test* root, const std::string& name)
{
    for (int i = 0; i < root->getChildTestCount(); ++i) {
        CppUnit::Test* child = root->getChildTestAt(i);
        if (child->getName() == name)
            return child;
    }
    return nullptr;
}

void list(CppUnit::Test* root)
{
    for (int i = 0; i < root->getChildTestCount(); ++i)
        std::cout << root->getChildTestAt(i)->getName() << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " unit|integration|acceptance [--list] [Suite...]\n";
        return 2;
    }
    // The root owns every suite of the level, also those not run (the asan build checks leaks).
    const std::unique_ptr<CppUnit::Test> root(CppUnit::TestFactoryRegistry::getRegistry(argv[1]).makeTest());
    std::vector<CppUnit::Test*> selected;
    if (argc == 2) {
        selected.push_back(root.get());
    } else if (std::string(argv[2]) == "--list") {
        list(root.get());
        return 0;
    } else {
        for (int i = 2; i < argc; ++i) {
            CppUnit::Test* suite = findSuite(root.get(), argv[i]);
            if (!suite) {
                std::cerr << "no suite '" << argv[i] << "' at level " << argv[1] << "; have:\n";
                list(root.get());
                return 2;
            }
            selected.push_back(suite);
        }
    }
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    CppUnit::TextTestProgressListener progress;
    controller.addListener(&progress);
    for (CppUnit::Test* test : selected)
        controller.runTest(test);
    CppUnit::CompilerOutputter(&result, std::cerr).write();
    // A sanitizer report of a host the suite started fails the suite, even if its tests passed.
    const std::string reports = mercato::test::childSanitizerReports();
    if (!reports.empty()) {
        std::cerr << "sanitizer reports of mercato processes started by this suite:\n" << reports;
        return 1;
    }
    return result.wasSuccessful() ? 0 : 1;
}
