#include "cli/output.h"

#include <unistd.h>

#include <cstdio>

#include "cli/errors.h"
#include "cli/units.h"

namespace cairn::cli {

void Output::Result(nlohmann::json json, const std::string& human) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (flags_.json) {
    if (!json.contains("status")) json["status"] = "success";
    std::string line = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fprintf(stdout, "%s\n", line.c_str());
  } else if (!human.empty()) {
    std::fprintf(stdout, "%s\n", human.c_str());
  }
  std::fflush(stdout);
}

void Output::Info(nlohmann::json json, const std::string& human) const {
  if (flags_.quiet && !flags_.json) return;
  Result(std::move(json), human);
}

std::string Output::ErrorLine(const Status& status, std::string_view context) {
  std::string line = "cairn: ";
  if (!context.empty()) line += std::string(context) + ": ";
  return OneLine(line + status.message());
}

int Output::Fail(const Status& status, std::string_view context) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (flags_.json) {
    nlohmann::json j;
    j["status"] = "error";
    j["error"] = {{"message", OneLine(status.message())}, {"code", ErrorCodeName(status)}};
    if (!context.empty()) j["error"]["target"] = std::string(context);
    std::fprintf(stdout, "%s\n",
                 j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  } else {
    std::fprintf(stderr, "%s\n", ErrorLine(status, context).c_str());
  }
  return 1;
}

bool Output::ProgressWanted() const {
  return !flags_.json && !flags_.quiet && ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(bool enabled, uint64_t total)
    : enabled_(enabled), total_(total), start_(std::chrono::steady_clock::now()) {
  if (!enabled_) return;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(250));
      if (!stop_) Draw();
    }
  });
}

Progress::~Progress() { Finish(); }

void Progress::Finish() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  Draw();
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void Progress::Draw() {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string line = Render(done_.load(), total_.load(), seconds);
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
}

std::string Progress::Render(uint64_t done, uint64_t total, double seconds, int width) {
  if (total < done) total = done;
  double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < width) bar += '>';
  while (static_cast<int>(bar.size()) < width) bar += ' ';
  bar.resize(static_cast<size_t>(width));
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  std::string eta = "--";
  if (rate > 0 && total >= done) {
    eta = FormatDuration(
        std::chrono::seconds(static_cast<int64_t>(static_cast<double>(total - done) / rate + 0.5)));
  }
  char buf[200];
  std::snprintf(buf, sizeof(buf), "%s / %s [%s] %s/s ETA %s", FormatSize(done).c_str(),
                FormatSize(total).c_str(), bar.c_str(),
                FormatSize(static_cast<uint64_t>(rate)).c_str(), eta.c_str());
  return buf;
}

}  // namespace cairn::cli
