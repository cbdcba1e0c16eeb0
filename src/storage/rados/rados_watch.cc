#include "storage/rados/rados_watch.h"

#include <spdlog/spdlog.h>

#include <cerrno>

namespace cairn::storage::rados {

RadosChangeSignal::RadosChangeSignal(std::shared_ptr<RadosPool> pool, std::string object)
    : pool_(std::move(pool)), object_(std::move(object)) {
  sender_ = std::thread([this] { SendLoop(); });
}

RadosChangeSignal::~RadosChangeSignal() {
  uint64_t handle = 0;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    handle = handle_;
    handle_ = 0;
    wake_ = nullptr;
  }
  send_cv_.notify_all();
  sender_.join();
  if (handle != 0) {
    (void)rados_unwatch2(pool_->io(), handle);
    // Callbacks already queued run before this returns; none comes after.
    (void)rados_watch_flush(pool_->cluster().handle());
  }
}

void RadosChangeSignal::Notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  send_cv_.notify_one();
}

void RadosChangeSignal::SendLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    send_cv_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    pending_ = false;  // the changes made until now are all in the index: one notify covers them
    lock.unlock();
    char* reply = nullptr;
    size_t reply_len = 0;
    int r = rados_notify2(pool_->io(), object_.c_str(), nullptr, 0, kNotifyTimeoutMs, &reply,
                          &reply_len);
    if (reply != nullptr) rados_buffer_free(reply);
    // A watcher that did not answer in time (a gateway that died) is the common failure and
    // harmless: it polls, or it is gone. No object yet: nobody has watched, nobody to tell.
    if (r < 0 && r != -ETIMEDOUT && r != -ENOENT) {
      spdlog::warn("rados: cannot notify the other gateways: {}",
                   RadosError(r, "notify " + object_).ToString());
    }
    lock.lock();
  }
}

Status RadosChangeSignal::Subscribe(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
  if (!wake_ || handle_ != 0) return Status::Ok();
  return WatchLocked();
}

Status RadosChangeSignal::Keep() {
  std::lock_guard lock(mu_);
  if (!wake_ || stopping_) return Status::Ok();
  if (handle_ != 0 && !broken_ && rados_watch_check(pool_->io(), handle_) >= 0) {
    return Status::Ok();
  }
  if (handle_ != 0) {
    (void)rados_unwatch2(pool_->io(), handle_);
    handle_ = 0;
  }
  return WatchLocked();
}

Status RadosChangeSignal::WatchLocked() {
  // A watch needs its object: made empty the first time (idempotent for every gateway).
  rados_write_op_t op = rados_create_write_op();
  rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, nullptr);
  int r = rados_write_op_operate2(op, pool_->io(), object_.c_str(), nullptr, 0);
  rados_release_write_op(op);
  if (r < 0) return RadosError(r, "creating " + object_);
  uint64_t handle = 0;
  r = rados_watch3(pool_->io(), object_.c_str(), &handle, &RadosChangeSignal::OnNotify,
                   &RadosChangeSignal::OnWatchError, kWatchTimeoutSeconds, this);
  if (r < 0) return RadosError(r, "watching " + object_);
  handle_ = handle;
  broken_ = false;
  return Status::Ok();
}

void RadosChangeSignal::OnNotify(void* arg, uint64_t notify_id, uint64_t handle,
                                 uint64_t /*notifier*/, void* /*data*/, size_t /*len*/) {
  auto* self = static_cast<RadosChangeSignal*>(arg);
  // Acknowledged at once, so the notifier does not wait out its timeout on this gateway.
  (void)rados_notify_ack(self->pool_->io(), self->object_.c_str(), notify_id, handle, nullptr, 0);
  std::function<void()> wake;
  {
    std::lock_guard lock(self->mu_);
    wake = self->wake_;
  }
  if (wake) wake();
}

void RadosChangeSignal::OnWatchError(void* arg, uint64_t /*handle*/, int err) {
  auto* self = static_cast<RadosChangeSignal*>(arg);
  spdlog::warn("rados: the watch on {} failed ({}); polling until it is made again", self->object_,
               err);
  std::lock_guard lock(self->mu_);
  self->broken_ = true;
}

}  // namespace cairn::storage::rados
