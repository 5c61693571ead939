#include "sim/cli/live/nats_flags.h"

#include <optional>
#include <string_view>
#include <vector>

#include "core/nats_url.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/live/live_commands.h"

namespace backbeat::sim::cli {
namespace {

// For flags that name a file holding a secret or a certificate: a value that looks like the
// secret itself is refused (exit 2) without echoing it; whether the file can be read is checked
// when connecting (exit 4, the path named).
CLI::Validator file_not_secret() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        std::optional<std::string_view> kind = secret_kind(value);
        if (!kind) return {};
        return fmt::format(
            "the value ({} characters, not shown) looks like {} itself, not a file path: write "
            "it to a private file and pass that file's path",
            value.size(), *kind);
      },
      "", "file path");
}

}  // namespace

void add_nats_flags(CLI::App* cmd, NatsFlags& f, bool required) {
  auto* url = cmd->add_option("--nats", f.servers,
                              "NATS server URL(s), comma-separated (nats://host:port, tls://...); "
                              "user:password@ in a URL is accepted and redacted")
                  ->type_name("URL[,URL...]")
                  ->envname("BACKBEAT_NATS_URL")
                  ->check(CLI::Validator(
                      [](std::string& value) -> std::string {
                        // Named, never echoed: a URL may carry a password (core/nats_url.h).
                        Result<std::vector<NatsUrl>> urls = parse_nats_urls(value);
                        return urls ? std::string() : urls.status().message();
                      },
                      "", "NATS URL list"));
  if (required) url->required();
  // Secrets: no defaults shown, values never echoed.
  cmd->add_option("--token", f.token,
                  "Authentication token (prefer --token-file or the environment)")
      ->type_name("TOKEN")
      ->envname("BACKBEAT_NATS_TOKEN");
  cmd->add_option("--user", f.user, "User name for user/password authentication")
      ->type_name("USER")
      ->envname("BACKBEAT_NATS_USER");
  cmd->add_option("--password", f.password, "Password (prefer --password-file or the environment)")
      ->type_name("PASSWORD")
      ->envname("BACKBEAT_NATS_PASSWORD");
  cmd->add_option("--token-file", f.token_file,
                  "File holding the token (one line; kept out of the command line)")
      ->type_name("FILE")
      ->envname("BACKBEAT_NATS_TOKEN_FILE")
      ->check(file_not_secret());
  cmd->add_option("--password-file", f.password_file,
                  "File holding the password (one line; kept out of the command line)")
      ->type_name("FILE")
      ->envname("BACKBEAT_NATS_PASSWORD_FILE")
      ->check(file_not_secret());
  cmd->add_option("--creds", f.creds, "Credentials file (JWT + NKey seed, .creds)")
      ->type_name("FILE")
      ->envname("BACKBEAT_NATS_CREDS")
      ->check(file_not_secret());
  cmd->add_option("--nkey", f.nkey, "NKey public user key (U...), with --nkey-seed")
      ->type_name("KEY")
      ->envname("BACKBEAT_NATS_NKEY");
  cmd->add_option("--nkey-seed", f.nkey_seed, "File holding the NKey seed")
      ->type_name("FILE")
      ->envname("BACKBEAT_NATS_NKEY_SEED")
      ->check(file_not_secret());
  cmd->add_flag("--tls", f.tls, "Require TLS (implied by --tls-ca/--tls-cert or tls:// URLs)")
      ->envname("BACKBEAT_NATS_TLS");
  cmd->add_option("--tls-ca", f.tls_ca, "Trusted CA certificates (PEM)")
      ->type_name("FILE")
      ->envname("BACKBEAT_NATS_TLS_CA")
      ->check(file_not_secret());
  cmd->add_option("--tls-cert", f.tls_cert, "Client certificate chain (PEM), with --tls-key")
      ->type_name("FILE")
      ->envname("BACKBEAT_NATS_TLS_CERT")
      ->check(file_not_secret());
  cmd->add_option("--tls-key", f.tls_key, "Client private key (PEM)")
      ->type_name("FILE")
      ->envname("BACKBEAT_NATS_TLS_KEY")
      ->check(file_not_secret());
  cmd->add_flag("--require-tls-for-credentials", f.require_tls_for_credentials,
                "Refuse to send a password, token or URL user info without TLS to a server that "
                "is not loopback (default: warn once)")
      ->envname("BACKBEAT_NATS_REQUIRE_TLS_FOR_CREDENTIALS");
}

int connect_exit_code(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return kExitBadInput;
    case StatusCode::kUnavailable:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kNotFound:
    case StatusCode::kDeadlineExceeded:
      return kExitNatsConnection;
    default:
      return kExitInternal;
  }
}

}  // namespace backbeat::sim::cli
