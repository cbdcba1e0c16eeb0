// Fakes for the console's tests: a credential table and a ResponseWriter that records.
#pragma once

#include <map>
#include <string>

#include "auth/credentials.h"
#include "common/byte_source.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace cairn::console {

class FakeCredentials final : public auth::CredentialLookup {
 public:
  Result<auth::Credentials> Lookup(std::string_view access_key) const override {
    auto it = keys.find(std::string(access_key));
    if (it == keys.end()) return Status(Code::kInvalidAccessKeyId, "no such key");
    return auth::Credentials{it->first, it->second};
  }
  std::map<std::string, std::string> keys;
};

class RecordingWriter final : public http::ResponseWriter {
 public:
  Status Send(int s, const Headers& h, std::string_view b) override {
    status = s;
    headers = h;
    body = std::string(b);
    sent_ = true;
    return Status::Ok();
  }
  Status SendStream(int s, const Headers& h, uint64_t length, ByteSource* source) override {
    status = s;
    headers = h;
    body.clear();
    if (source != nullptr) {
      char buf[4096];
      while (body.size() < length) {
        auto n = source->Read(buf, sizeof buf);
        if (!n.ok() || *n == 0) break;
        body.append(buf, *n);
      }
    }
    sent_ = true;
    return Status::Ok();
  }
  bool sent() const override { return sent_; }

  int status = 0;
  Headers headers;
  std::string body;

 private:
  bool sent_ = false;
};

inline http::Request MakeRequest(std::string method, std::string target) {
  http::Request request;
  request.method = std::move(method);
  request.target = target;
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  request.query = q == std::string::npos ? "" : target.substr(q + 1);
  request.headers.Add("host", "127.0.0.1:9001");
  request.remote_ip = "127.0.0.1";
  return request;
}

}  // namespace cairn::console
