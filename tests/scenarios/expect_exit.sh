#!/bin/sh
# expect_exit.sh CODE [--stdout REGEX] [--stderr REGEX] -- COMMAND...: runs COMMAND and fails
# unless it exits with CODE and its outputs match the given extended regular expressions.
set -u
want=$1; shift
out_re=""; err_re=""
while [ "$1" != "--" ]; do
  case "$1" in
    --stdout) out_re=$2; shift 2 ;;
    --stderr) err_re=$2; shift 2 ;;
    *) echo "expect_exit.sh: bad argument $1" >&2; exit 2 ;;
  esac
done
shift
tmp=$(mktemp -d)
"$@" >"$tmp/out" 2>"$tmp/err"
got=$?
status=0
if [ "$got" != "$want" ]; then
  echo "exit code $got, expected $want: $*" >&2; status=1
fi
if [ -n "$out_re" ] && ! grep -Eq -e "$out_re" "$tmp/out"; then
  echo "stdout does not match /$out_re/" >&2; status=1
fi
if [ -n "$err_re" ] && ! grep -Eq -e "$err_re" "$tmp/err"; then
  echo "stderr does not match /$err_re/" >&2; status=1
fi
if [ $status != 0 ]; then
  echo "--- stdout"; head -c 4000 "$tmp/out"; echo "--- stderr"; head -c 4000 "$tmp/err"
fi
rm -rf "$tmp"
exit $status
