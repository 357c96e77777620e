#include "HostProcess.h"

#include <Poco/File.h>
#include <Poco/Timestamp.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace mercato::test {

namespace {

std::string slurp(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Child {
    pid_t pid;
    std::time_t started; ///< whole seconds, as file times are compared
    std::string errPath;
};
std::mutex childrenMutex;
std::vector<Child> children;       ///< every process spawn() started, for childSanitizerReports()
std::string reportsFromStderr;     ///< UBSan reports found in reaped children's stderr

/// Where a child's AddressSanitizer writes its report (also LeakSanitizer's): asan.<pid> here.
std::string sanitizerReportDir()
{
    return buildDir() + "/sanitizer-reports";
}

/// Our environment for a child; in the asan build (whose CTest sets ASAN_OPTIONS) with ASan's
/// log_path pointing into sanitizerReportDir(), since the child's stderr goes to a file the test
/// may remove before anyone reads it. UBSan (GCC's, with ASan) ignores log_path and always writes
/// to stderr: reaped() reads that.
std::vector<std::string> childEnvironment()
{
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        if (entry.rfind("ASAN_OPTIONS=", 0) == 0) {
            Poco::File(sanitizerReportDir()).createDirectories();
            entry += ":log_path=" + sanitizerReportDir() + "/asan";
        }
        env.push_back(std::move(entry));
    }
    return env;
}

/// Called once `pid` has been waited for: keeps a UBSan report from its stderr.
void reaped(pid_t pid)
{
    std::lock_guard<std::mutex> lock(childrenMutex);
    for (const Child& child : children) {
        if (child.pid != pid)
            continue;
        const std::string err = slurp(child.errPath);
        if (err.find(": runtime error: ") != std::string::npos)
            reportsFromStderr += "==== stderr of " + std::to_string(pid) + " (" + child.errPath + ")\n" + err;
    }
}

/// Starts the binary with stdout/stderr redirected to files (no pipe can fill up and block it).
pid_t spawn(const std::vector<std::string>& argv, const std::string& outPath, const std::string& errPath)
{
    // Everything is allocated before fork(): the test process has threads, the child only execs.
    const std::vector<std::string> env = childEnvironment();
    std::vector<char*> envp;
    for (const auto& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::time_t started = Poco::Timestamp().epochTime();
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        FILE* out = std::freopen(outPath.c_str(), "w", stdout);
        FILE* err = std::freopen(errPath.c_str(), "w", stderr);
        if (!out || !err)
            ::_exit(127);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    std::lock_guard<std::mutex> lock(childrenMutex);
    children.push_back({pid, started, errPath});
    return pid;
}

/// Waits up to `timeoutSeconds` for `pid`; kills it when it overstays. Returns the exit code
/// (128 + signal for a signal death).
int waitFor(pid_t pid, int timeoutSeconds)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    int status = 0;
    while (true) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return -1;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            reaped(pid);
            return -9;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    reaped(pid);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

std::atomic<int> runs{0};

} // namespace

RunResult runMercato(const std::string& configPath, const std::vector<std::string>& args, int timeoutSeconds)
{
    const std::string base = configPath + ".run" + std::to_string(++runs);
    std::vector<std::string> argv{mercatoBinary(), "--config", configPath};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = spawn(argv, base + ".out", base + ".err");
    RunResult r;
    r.exitCode = waitFor(pid, timeoutSeconds);
    r.out = slurp(base + ".out");
    r.err = slurp(base + ".err");
    return r;
}

HostProcess::HostProcess(const TempDir& dir, const std::map<std::string, std::string>& config, int timeoutSeconds)
    : _configPath(dir.file("host" + std::to_string(++runs) + ".properties")), _errPath(_configPath + ".err")
{
    writeProperties(_configPath, config);
    pid_t pid = spawn({mercatoBinary(), "--config", _configPath}, _configPath + ".out", _errPath);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    // The plain line of Server.cpp, not the log record that says the same followed by " (config …)".
    // No anchor at the line start: the asynchronous log channel may write a record's text and its
    // newline around it.
    const std::regex listening("mercato: listening on port ([0-9]+)\n");
    while (true) {
        std::smatch m;
        std::string err = slurp(_errPath);
        if (std::regex_search(err, m, listening)) {
            _port = std::stoi(m[1]);
            break;
        }
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            reaped(pid);
            throw std::runtime_error("mercato exited during start-up: " + slurp(_errPath));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            reaped(pid);
            throw std::runtime_error("mercato did not listen within the time limit: " + slurp(_errPath));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    _pid = pid;
}

HostProcess::~HostProcess()
{
    if (!_stopped)
        stop();
}

int HostProcess::stop()
{
    if (_stopped)
        return _exitCode;
    _stopped = true;
    ::kill(_pid, SIGTERM);
    _exitCode = waitFor(_pid, 20);
    return _exitCode;
}

std::string HostProcess::errors() const
{
    return slurp(_errPath);
}

std::string childSanitizerReports()
{
    std::lock_guard<std::mutex> lock(childrenMutex);
    std::string reports = reportsFromStderr;
    for (const Child& child : children) {
        const std::string path = sanitizerReportDir() + "/asan." + std::to_string(child.pid);
        // Older than the child: another process that had the same pid (an earlier run).
        if (Poco::File(path).exists() && Poco::File(path).getLastModified().epochTime() >= child.started)
            reports += "==== " + path + "\n" + slurp(path);
    }
    return reports;
}

std::map<std::string, std::string> parseMockTokens(const std::string& out)
{
    std::map<std::string, std::string> tokens;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        auto tab = line.find('\t');
        if (tab != std::string::npos)
            tokens[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return tokens;
}

} // namespace mercato::test
