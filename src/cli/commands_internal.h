// Shared plumbing of the command implementations (commands*.cc); not a public interface.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/config.h"
#include "cli/encryption.h"
#include "cli/output.h"
#include "cli/s3_client.h"
#include "cli/target.h"
#include "common/status.h"

namespace cairn::cli {

// What a running command needs: output, the configuration, clients per alias.
class Context {
 public:
  explicit Context(OutputFlags flags) : out(flags) {}
  Output out;

  Status LoadConfigOnce();
  Config& config() { return config_; }
  bool IsAlias(std::string_view name);
  Target Parse(std::string_view arg);
  // A remote target, or the one-line "no alias" error.
  Result<Target> Remote(std::string_view arg);
  // A client for the target's alias (carrying the encryption rules, when set).
  Result<S3Client> Client(const Target& target);
  // Clients made from now on send the rules' encryption headers (--enc-s3/--enc-kms/--enc-c).
  void set_encryption(std::shared_ptr<const SseRules> rules) { sse_ = std::move(rules); }

 private:
  bool loaded_ = false;
  Config config_;
  std::shared_ptr<const SseRules> sse_;
};

using Runner = std::function<int(Context&)>;

// Registers a leaf command: `run` is called when it was selected.
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     const std::string& examples, Runner run);
// A command that only groups others (alias, admin, share...).
CLI::App* AddGroup(CLI::App& parent, const std::string& name, const std::string& description);

void RegisterTransferCommands(CLI::App& app);  // cp, mirror (commands_transfer.cc)
void RegisterAdminCommands(CLI::App& app);     // admin ... (commands_admin.cc)
void RegisterTraceCommand(CLI::App& admin);    // admin trace (commands_trace.cc)
void RegisterVersionCommands(CLI::App& app);   // version, undo (commands_versions.cc)
void RegisterTagCommands(CLI::App& app);       // tag set|list|remove (commands_tags.cc)
void RegisterLockCommands(CLI::App& app);      // retention / legalhold (commands_lock.cc)
void RegisterIlmCommands(CLI::App& app);       // ilm rule add|ls|rm|export|import (commands_ilm.cc)
void RegisterEncryptCommands(CLI::App& app);   // encrypt set|info|clear (commands_encrypt.cc)

// --enc-s3 and --enc-kms (with `writes`) and --enc-c on `cmd`, filling `flags`.
void AddEncryptionFlags(CLI::App* cmd, SseFlags& flags, bool writes);
// Parses `flags`, checks them against the command's path arguments as mc does, and makes every
// client of `ctx` send them. A malformed flag fails here, before any request.
Status UseEncryption(Context& ctx, const SseFlags& flags, const std::vector<std::string>& args);

// `ls --versions ARG`: every version and delete marker under the prefix, mc's way.
int ListVersionsCommand(Context& ctx, const std::string& arg, bool recursive);
// `rm --version-id ID` (one version of t.key), or `rm --versions` (every version and marker of
// t.key, or with `recursive` of everything under the prefix, batched through DeleteObjects).
Status RemoveVersions(Context& ctx, const Target& t, const std::string& version_id, bool recursive,
                      bool bypass = false);

// Headers for --attr "k=v;k2=v2": standard ones as they are, others as x-amz-meta-*.
Result<Headers> ParseAttributes(std::string_view attr);
// A Content-Type from the file extension, or "" when unknown.
std::string GuessContentType(std::string_view name);

}  // namespace cairn::cli
