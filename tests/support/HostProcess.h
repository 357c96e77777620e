#pragma once
#include "TestEnv.h"

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace mercato::test {

/// The outcome of a `mercato` run that ended.
struct RunResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// Runs `mercato --config <file> args...` to completion (CLI commands, failing start-ups).
RunResult runMercato(const std::string& configPath, const std::vector<std::string>& args = {}, int timeoutSeconds = 60);

/// The sanitizer reports (asan build) of every `mercato` process this test process started, each
/// headed by its file name; empty when there are none. The runner fails the suite when it is not.
std::string childSanitizerReports();

/// The "username<TAB>token" lines printed by `users mock-users`, as a map.
std::map<std::string, std::string> parseMockTokens(const std::string& out);

/// A `mercato` server process on an ephemeral port, stopped (SIGTERM) on destruction.
class HostProcess {
public:
    /// Writes `config` to `dir/host.properties`, starts the host and waits until it listens.
    /// Throws with the host's stderr when it exits or does not listen within `timeoutSeconds`.
    HostProcess(const TempDir& dir, const std::map<std::string, std::string>& config, int timeoutSeconds = 30);
    ~HostProcess();
    HostProcess(const HostProcess&) = delete;
    HostProcess& operator=(const HostProcess&) = delete;

    int port() const { return _port; }
    const std::string& configPath() const { return _configPath; }
    /// Sends SIGTERM and waits; returns the exit code.
    int stop();
    /// Everything the host wrote to stderr so far (after stop(): all of it).
    std::string errors() const;

private:
    std::string _configPath;
    std::string _errPath;
    pid_t _pid = -1;
    int _port = 0;
    bool _stopped = false;
    int _exitCode = -1;
};

} // namespace mercato::test
