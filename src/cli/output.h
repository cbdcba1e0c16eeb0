// How commands talk to the user: results on stdout (text, or one JSON object per line with
// --json), errors as one line on stderr ("cairn: ..."; with --json a JSON object on stdout), and
// a progress bar on stderr only when stderr is a terminal and neither --quiet nor --json is set.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "cli/s3_client.h"
#include "common/status.h"

namespace cairn::cli {

struct OutputFlags {
  bool json = false;
  bool quiet = false;
};

class Output {
 public:
  explicit Output(OutputFlags flags) : flags_(flags) {}
  const OutputFlags& flags() const { return flags_; }

  // A command's result: `json` with --json, else `human` (nothing when empty).
  void Result(nlohmann::json json, const std::string& human) const;
  // A message about work done ("`a` -> `b`"); --quiet silences it.
  void Info(nlohmann::json json, const std::string& human) const;
  // Reports a failure and returns the exit status (1). `context` names what failed ("" for none).
  int Fail(const Status& status, std::string_view context = {}) const;
  // The error line without printing it: "cairn: <context>: <message>".
  static std::string ErrorLine(const Status& status, std::string_view context);
  bool ProgressWanted() const;

 private:
  OutputFlags flags_;
  mutable std::mutex mu_;
};

// A progress bar (bytes, rate, ETA) redrawn ~4 times a second on stderr while it lives.
class Progress {
 public:
  Progress(bool enabled, uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(uint64_t n) { done_.fetch_add(n, std::memory_order_relaxed); }
  void AddTotal(uint64_t n) { total_.fetch_add(n, std::memory_order_relaxed); }
  ProgressFn Fn() {
    return [this](uint64_t n) { Add(n); };
  }
  // Draws the final state and ends the line.
  void Finish();

  // One line of the bar, for tests: "12.0MiB / 200.0MiB [==>   ]  40.0MiB/s  ETA 4s".
  static std::string Render(uint64_t done, uint64_t total, double seconds, int width = 30);

 private:
  void Draw();
  bool enabled_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_{0};
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace cairn::cli
