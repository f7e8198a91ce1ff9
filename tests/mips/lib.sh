# lib.sh: shared helpers for the MIPS script tests: verdict lines, summary, tool selection.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
summary() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
# The sanitized build when present (make builds both), so scripts also exercise ASan/UBSan.
MIPSVM=${MIPSVM:-build/mipsvm-asan}
[ -x "$MIPSVM" ] || MIPSVM=build/mipsvm
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mipstest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
