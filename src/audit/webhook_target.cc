#include "audit/webhook_target.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "audit/audit_entry.h"

namespace cairn::audit {

namespace {

size_t DiscardBody(char* /*data*/, size_t size, size_t count, void* /*user*/) {
  return size * count;
}

// Cuts a transfer in flight once the target stops.
int AbortWhenStopping(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(flag)->load() ? 1 : 0;
}

}  // namespace

Result<std::shared_ptr<WebhookTarget>> WebhookTarget::Start(WebhookConfig config,
                                                            platform::Env* env) {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  DiskQueueOptions options;
  options.max_records = std::max<size_t>(config.queue_size, 1);
  options.max_bytes = config.queue_bytes;
  CAIRN_ASSIGN_OR_RETURN(auto queue, DiskQueue::Open(env, config.queue_dir, options));
  std::shared_ptr<WebhookTarget> target(new WebhookTarget(std::move(config), std::move(queue)));
  target->sender_ = std::thread([raw = target.get()] { raw->Run(); });
  return target;
}

WebhookTarget::WebhookTarget(WebhookConfig config, std::unique_ptr<DiskQueue> queue)
    : config_(std::move(config)), queue_(std::move(queue)), inbox_(config_.inbox_size) {
  queued_.store(queue_->size());
}

WebhookTarget::~WebhookTarget() { Stop(); }

void WebhookTarget::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  stop_flag_.store(true);  // first: an attempt in flight is cut
  inbox_.Close();
  if (sender_.joinable()) sender_.join();
}

void WebhookTarget::Consume(const RecordPtr& record) {
  total_.fetch_add(1, std::memory_order_relaxed);
  if (!inbox_.Push(record)) failed_.fetch_add(1, std::memory_order_relaxed);
}

TargetStats WebhookTarget::stats() const {
  TargetStats s;
  s.total_messages = total_.load(std::memory_order_relaxed);
  s.failed_messages = failed_.load(std::memory_order_relaxed);
  s.queue_length = queued_.load(std::memory_order_relaxed) + inbox_.size();
  return s;
}

void WebhookTarget::Run() {
  using SteadyClock = std::chrono::steady_clock;
  auto next_attempt = SteadyClock::now();
  std::chrono::milliseconds backoff = config_.retry_min;
  bool logged_failure = false;
  for (;;) {
    std::deque<RecordPtr> incoming;
    auto wake = queue_->size() > 0 ? next_attempt : SteadyClock::now() + std::chrono::seconds(1);
    const bool stopping = inbox_.TakeAll(incoming, wake);
    if (!incoming.empty()) {
      // Serialized here, off the request threads; one fsync per batch.
      std::vector<std::string> entries;
      entries.reserve(incoming.size());
      for (const RecordPtr& record : incoming) {
        entries.push_back(AuditEntryJson(*record, config_.deployment_id));
      }
      Result<size_t> taken = queue_->Append(entries);
      size_t kept = taken.ok() ? *taken : 0;
      if (!taken.ok()) {
        spdlog::error("audit: target {}: cannot write its queue in {}: {}", config_.id,
                      config_.queue_dir, taken.status().ToString());
      }
      if (kept < entries.size()) failed_.fetch_add(entries.size() - kept);
      queued_.store(queue_->size());
    }
    if (stopping) return;
    if (queue_->size() == 0 || SteadyClock::now() < next_attempt) continue;

    Result<std::vector<std::string>> batch = queue_->Peek(std::max<size_t>(config_.batch_size, 1));
    Status sent = batch.ok() ? Post(*batch) : batch.status();
    if (sent.ok()) {
      queue_->Pop(batch->size()).IgnoreError();
      queued_.store(queue_->size());
      backoff = config_.retry_min;
      if (logged_failure) spdlog::info("audit: target {} delivers again", config_.id);
      logged_failure = false;
      continue;
    }
    if (stop_flag_.load()) continue;
    if (!logged_failure) {
      spdlog::warn("audit: target {}: delivery to {} failed, retrying: {}", config_.id,
                   config_.endpoint, sent.message());
      logged_failure = true;
    }
    next_attempt = SteadyClock::now() + backoff;
    backoff = std::min(backoff * 2, config_.retry_max);
  }
}

Status WebhookTarget::Post(const std::vector<std::string>& entries) {
  std::string body;
  for (const std::string& entry : entries) {
    body += entry;
    body += '\n';
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status(Code::kInternal, "curl_easy_init failed");
  curl_slist* headers = nullptr;
  // As MinIO: JSON content type for one entry per request; none for newline-separated batches.
  headers = curl_slist_append(
      headers, config_.batch_size > 1 ? "Content-Type:" : "Content-Type: application/json");
  headers = curl_slist_append(
      headers, ("x-minio-webhook-payload-count: " + std::to_string(entries.size())).c_str());
  if (!config_.deployment_id.empty()) {
    headers =
        curl_slist_append(headers, ("x-minio-deployment-id: " + config_.deployment_id).c_str());
  }
  if (!config_.auth_token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: " + config_.auth_token).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, config_.endpoint.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, config_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.http_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(config_.http_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbortWhenStopping);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stop_flag_);
  if (!config_.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(),
                   CURL_BLOB_NOCOPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  } else if (!config_.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return Status(Code::kUnavailable, curl_easy_strerror(rc));
  if (status < 200 || status > 299) {
    return Status(Code::kUnavailable, "the endpoint answered HTTP " + std::to_string(status) +
                                          (status == 403 ? " (check the auth token)" : ""));
  }
  return Status::Ok();
}

}  // namespace cairn::audit
