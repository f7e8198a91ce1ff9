# lib.sh: helpers for the MIPS script tests: the verdicts of tests/boot/lib.sh, plus tool selection.
. tests/boot/lib.sh
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
# The sanitized build when present (make builds both), so scripts also exercise ASan/UBSan.
MIPSVM=${MIPSVM:-build/mipsvm-asan}
[ -x "$MIPSVM" ] || MIPSVM=build/mipsvm
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mipstest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
