// The NATS connection flags of every command that connects (live, pulse, observe, worker, and
// sweep/tune --nats): the URL list, the secrets (each also from a BACKBEAT_NATS_* variable, never
// echoed) and TLS, with the checks that run before connecting and the exit code of a failed
// connection.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <tuple>

#include "core/nats/nats_transport.h"
#include "core/secret_text.h"
#include "core/status.h"
#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {

inline constexpr const char* kSecurityHelp =
    "Security: secrets are never printed (not in logs, reports, errors or this help). Keep them "
    "off the command line (visible to other users): --password-file, --token-file or the "
    "environment: BACKBEAT_NATS_URL, BACKBEAT_NATS_TOKEN, BACKBEAT_NATS_TOKEN_FILE, "
    "BACKBEAT_NATS_USER, BACKBEAT_NATS_PASSWORD, BACKBEAT_NATS_PASSWORD_FILE, BACKBEAT_NATS_CREDS, "
    "BACKBEAT_NATS_NKEY, BACKBEAT_NATS_NKEY_SEED, BACKBEAT_NATS_TLS, BACKBEAT_NATS_TLS_CA, "
    "BACKBEAT_NATS_TLS_CERT, BACKBEAT_NATS_TLS_KEY, BACKBEAT_NATS_REQUIRE_TLS_FOR_CREDENTIALS.";

// Connection flags shared by live, pulse, observe and worker; each also read from the environment.
struct NatsFlags {
  std::string servers;
  std::string token;
  std::string user;
  std::string password;
  std::string token_file;     // the token's file (read by read_secret_files)
  std::string password_file;  // the password's file
  std::string creds;
  std::string nkey;
  std::string nkey_seed;
  bool tls = false;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  bool require_tls_for_credentials = false;

  live::NatsOptions options(const std::string& name) const {
    live::NatsOptions o;
    o.servers = servers;
    o.name = name;
    o.token = token;
    o.user = user;
    o.password = password;
    o.credentials_file = creds;
    o.nkey_public = nkey;
    o.nkey_seed_file = nkey_seed;
    o.tls = tls;
    o.tls_ca_file = tls_ca;
    o.tls_cert_file = tls_cert;
    o.tls_key_file = tls_key;
    o.refuse_cleartext_credentials = require_tls_for_credentials;
    return o;
  }

  // Flags that only work together, named as the user gave them (a flag or its variable), before
  // anything connects: empty when they fit.
  std::string missing_partner() const {
    auto both = [](const std::string& a, const std::string& b) { return a.empty() == b.empty(); };
    if (!both(tls_cert, tls_key)) {
      return tls_cert.empty() ? "--tls-key (BACKBEAT_NATS_TLS_KEY) needs --tls-cert "
                                "(BACKBEAT_NATS_TLS_CERT): the client certificate it belongs to"
                              : "--tls-cert (BACKBEAT_NATS_TLS_CERT) needs --tls-key "
                                "(BACKBEAT_NATS_TLS_KEY): the certificate's private key";
    }
    if (!both(nkey, nkey_seed)) {
      return nkey.empty() ? "--nkey-seed (BACKBEAT_NATS_NKEY_SEED) needs --nkey "
                            "(BACKBEAT_NATS_NKEY): the public user key (U...) of that seed"
                          : "--nkey (BACKBEAT_NATS_NKEY) needs --nkey-seed "
                            "(BACKBEAT_NATS_NKEY_SEED): the file holding its seed; without it the "
                            "key would be ignored";
    }
    if (!nkey_seed.empty() && !creds.empty()) {
      return "--nkey-seed and --creds (BACKBEAT_NATS_NKEY_SEED, BACKBEAT_NATS_CREDS) are two ways "
             "to authenticate: give one";
    }
    return {};
  }

  // Reads --password-file/--token-file into the password and token, and checks that the NKey seed
  // and credentials files hold what they should: the problem, named by flag, or "" (exit 2).
  // Files that cannot be read at all are left to connect() (exit 4, as before).
  std::string read_secret_files() {
    for (auto [file, value, flags] :
         {std::tuple{&password_file, &password,
                     "--password-file (BACKBEAT_NATS_PASSWORD_FILE) and --password "
                     "(BACKBEAT_NATS_PASSWORD)"},
          std::tuple{
              &token_file, &token,
              "--token-file (BACKBEAT_NATS_TOKEN_FILE) and --token (BACKBEAT_NATS_TOKEN)"}}) {
      if (file->empty()) continue;
      if (!value->empty()) return fmt::format("{} both give it: give one", flags);
      const bool is_password = file == &password_file;
      Result<std::string> secret = read_secret_file(*file, is_password ? "password" : "token");
      if (!secret) {
        return fmt::format("{}: {}", is_password ? "--password-file" : "--token-file",
                           secret.status().message());
      }
      *value = std::move(secret).value();
    }
    for (auto [path, kind, flag] :
         {std::tuple{&nkey_seed, CredentialFile::kNKeySeed,
                     "--nkey-seed (BACKBEAT_NATS_NKEY_SEED)"},
          std::tuple{&creds, CredentialFile::kCreds, "--creds (BACKBEAT_NATS_CREDS)"}}) {
      if (path->empty()) continue;
      std::ifstream in(*path, std::ios::binary);
      if (!in) continue;
      std::string content(64 * 1024, '\0');
      in.read(content.data(), static_cast<std::streamsize>(content.size()));
      content.resize(static_cast<std::size_t>(in.gcount()));
      if (std::string problem = credential_file_problem(kind, content); !problem.empty()) {
        return fmt::format("{} '{}' {}", flag, scenario::echo_path(*path), problem);
      }
    }
    return {};
  }

  // missing_partner(), then read_secret_files(): the first problem (exit 2) or "".
  std::string prepare() {
    std::string problem = missing_partner();
    return problem.empty() ? read_secret_files() : problem;
  }

  // Says once, before connecting, when a secret would go out without TLS to another machine
  // (with --require-tls-for-credentials, connecting refuses it instead: exit 2).
  void warn_about_cleartext_credentials() const {
    if (require_tls_for_credentials) return;
    const std::string warning = live::cleartext_credentials_warning(options("check"));
    if (!warning.empty()) {
      std::fprintf(stderr,
                   "backbeat-sim: warning: %s (--require-tls-for-credentials makes this an "
                   "error)\n",
                   warning.c_str());
    }
  }
};

// Adds --nats (required or not) and the security flags to `cmd`, filling `f`.
void add_nats_flags(CLI::App* cmd, NatsFlags& f, bool required);

// The exit code for a failure to connect: 2 for a malformed option, 4 for everything the server
// or the files decide (no server, auth, TLS, unreadable file), 3 otherwise.
int connect_exit_code(const Status& s);

}  // namespace backbeat::sim::cli
