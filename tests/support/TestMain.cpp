// One CppUnit runner for every level: `mercato-tests <level> [SuiteName...]`.
// Suites register with CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(Suite, "unit" | "integration" | "acceptance").
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/TextTestProgressListener.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <iostream>
#include <string>

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
    CppUnit::Test* root = CppUnit::TestFactoryRegistry::getRegistry(argv[1]).makeTest();
    CppUnit::TestRunner runner;
    if (argc == 2) {
        runner.addTest(root);
    } else if (std::string(argv[2]) == "--list") {
        list(root);
        return 0;
    } else {
        for (int i = 2; i < argc; ++i) {
            CppUnit::Test* suite = findSuite(root, argv[i]);
            if (!suite) {
                std::cerr << "no suite '" << argv[i] << "' at level " << argv[1] << "; have:\n";
                list(root);
                return 2;
            }
            runner.addTest(suite);
        }
    }
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    CppUnit::TextTestProgressListener progress;
    controller.addListener(&progress);
    runner.run(controller);
    CppUnit::CompilerOutputter(&result, std::cerr).write();
    return result.wasSuccessful() ? 0 : 1;
}
