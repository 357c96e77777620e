// A shared library without the MERCATO_PLUGIN entry points.
extern "C" __attribute__((visibility("default"))) int some_function() { return 42; }
