# Checks shared by the batch CLI scripts (sourced; expects $work and counts failures in $fails).
fails=0
check() {  # check WANT_CODE NAME COMMAND...: runs COMMAND, output in $work/NAME.{out,err}
  local want=$1 name=$2; shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: exit $got, expected $want: $*"
    head -c 2000 "$work/$name.out"; head -c 2000 "$work/$name.err"
    fails=$((fails + 1))
  fi
}
contains() {  # contains NAME FILE REGEX
  grep -Eq -e "$3" "$2" || { echo "FAIL $1: $2 does not match /$3/"; head -c 2000 "$2"; fails=$((fails + 1)); }
}
