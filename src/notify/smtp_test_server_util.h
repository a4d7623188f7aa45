// Test helper: runs tests/support/smtp_test_server.py (a real aiosmtpd
// server) as a child process on a free loopback port, reads the messages
// it stored, and stops it by PID. Every wait is bounded. Header-only: test
// code, not in the library.
#ifndef INVTRACK_NOTIFY_SMTP_TEST_SERVER_UTIL_H_
#define INVTRACK_NOTIFY_SMTP_TEST_SERVER_UTIL_H_

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sys/wait.h>

#include "test_util.h"

extern char** environ;

namespace invtrack::testing {

class SmtpTestServer {
 public:
  // `extra_args`, e.g. {"--tls", "starttls", "--auth", "user:pw"}.
  explicit SmtpTestServer(std::vector<std::string> extra_args = {}) {
    std::vector<std::string> args = {
        "/usr/bin/python3", std::string(INVTRACK_SOURCE_DIR) + "/tests/support/smtp_test_server.py",
        dir_.path().string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
      ADD_FAILURE() << "cannot start " << args[1];
      pid_ = -1;
      return;
    }
    // Python, aiosmtpd and (with TLS) openssl need a moment; bounded.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(dir_.Sub("port"));
      if (in >> port_) return;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        ADD_FAILURE() << "the SMTP test server exited early (is python3-aiosmtpd installed?)";
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the SMTP test server did not start within 30 s";
  }

  ~SmtpTestServer() { Stop(); }
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  uint16_t port() const { return port_; }
  std::string cert_file() const { return dir_.Sub("cert.pem"); }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }

  // The parsed record of the n-th accepted message (1-based); the server
  // writes it before answering 250, so it exists once Send returned.
  std::optional<nlohmann::json> Message(int n) const {
    std::ifstream in(dir_.Sub(std::to_string(n) + ".json"));
    if (!in) return std::nullopt;
    return nlohmann::json::parse(in);
  }
  std::string RawMessage(int n) const {
    std::ifstream in(dir_.Sub(std::to_string(n) + ".eml"), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  int MessageCount() const {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      count += entry.path().extension() == ".json";
    }
    return count;
  }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace invtrack::testing

#endif  // INVTRACK_NOTIFY_SMTP_TEST_SERVER_UTIL_H_
