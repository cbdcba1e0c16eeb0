#include "server/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <mutex>

#include "common/headers.h"

namespace cairn::server {

namespace {

// One JSON object per line on stderr.
class JsonStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(msg.time.time_since_epoch());
    std::time_t seconds = static_cast<std::time_t>(nanos.count() / 1000000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char time[48];
    std::snprintf(time, sizeof time, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(nanos.count() % 1000000000 / 1000));
    spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    std::string line = JsonLogLine(std::string_view(level.data(), level.size()), time,
                                   std::string_view(msg.payload.data(), msg.payload.size())) +
                       "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

std::string JsonLogLine(std::string_view level, std::string_view time, std::string_view message) {
  nlohmann::ordered_json line;
  line["level"] = level == "warning" ? "warn" : level;
  line["time"] = time;
  line["message"] = message;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status ConfigureLogging(const LogFlags& flags, EnvLookup env) {
  std::string format = flags.json ? "json" : ToLower(env("CAIRN_LOG_FORMAT"));
  if (!format.empty() && format != "json" && format != "text") {
    return Status(Code::kInvalidArgument, "CAIRN_LOG_FORMAT is json or text, not " + format);
  }
  std::string level_text = !flags.level.empty() ? flags.level : env("CAIRN_LOG_LEVEL");
  level_text = ToLower(level_text);
  spdlog::level::level_enum level = spdlog::level::info;
  if (level_text == "debug") {
    level = spdlog::level::debug;
  } else if (level_text == "warn" || level_text == "warning") {
    level = spdlog::level::warn;
  } else if (level_text == "error") {
    level = spdlog::level::err;
  } else if (!level_text.empty() && level_text != "info") {
    return Status(Code::kInvalidArgument,
                  "the log level is debug, info, warn or error, not " + level_text);
  }
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>("cairn", std::make_shared<JsonStderrSink>());
  } else {
    logger = std::make_shared<spdlog::logger>("cairn",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(std::move(logger));
  return Status::Ok();
}

}  // namespace cairn::server
