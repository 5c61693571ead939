# skip MESSAGE: ends a test script as skipped (exit 77, CTest's SKIP_RETURN_CODE), or as failed
# when BACKBEAT_NO_SKIP=1: CI installs every optional tool, so there a skip means a broken install.
# Sourced by the test scripts: . "$(dirname "$0")/../support/skip.sh"
skip() {
  if [ "${BACKBEAT_NO_SKIP:-0}" = 1 ]; then
    echo "$1: BACKBEAT_NO_SKIP=1, so this skip is a failure" >&2
    exit 1
  fi
  echo "$1: skipped"
  exit 77
}
