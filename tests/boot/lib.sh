# lib.sh: helpers for boot tests (source it). A boot test builds an ISO, boots it under QEMU TCG
# or Bochs with a hard timeout, and judges the serial log by exact expected lines.
# Output contract: PASS:/FAIL: lines, then "N passed, N failed"; exit status 1 on any failure.

set -u
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}	# a wrapper running a test another way names its own
TEST_DIR=build/tests/$TEST_NAME
mkdir -p "$TEST_DIR"
KERNEL_ELF=${KERNEL_ELF:-build/tally.elf}
passed=0
failed=0
last_log=

# make_iso NAME "kernel cmdline" [FILE "module cmdline"]...  -> $TEST_DIR/NAME.iso
make_iso() {
	local name=$1 cmdline=$2
	shift 2
	local mods=()
	while [ $# -ge 2 ]; do
		mods+=(-m "$1" "$2")
		shift 2
	done
	tools/mkiso.sh -o "$TEST_DIR/$name.iso" -k "$KERNEL_ELF" -c "$cmdline" "${mods[@]}"
}

# boot_qemu NAME TIMEOUT_S [extra QEMU args...]: serial log in $TEST_DIR/NAME.log; sets QEMU_STATUS.
# With DISK=IMAGE set, the image is attached as a virtio-blk disk; with NO_DEBUG_EXIT=1 there is no
# isa-debug-exit device (Tally powers off through ACPI; QEMU's status is then 0).
boot_qemu() {
	local name=$1 t=$2
	shift 2
	last_log=$TEST_DIR/$name.log
	QEMU_STATUS=0
	tools/run-qemu.sh --tcg -s "$last_log" -t "$t" ${DISK:+--disk "$DISK"} ${NO_DEBUG_EXIT:+--no-debug-exit} \
		"$TEST_DIR/$name.iso" -- "$@" ||
		QEMU_STATUS=$?
}

# boot_qemu_shell NAME TIMEOUT_S INPUT_FILE [extra QEMU args...]: like boot_qemu, and once the
# shell is up types INPUT_FILE's lines into the serial console, one line at a time, each after the
# previous command's output has settled. With SHELL_AFTER=REGEX set, the first line waits until
# some line of the log matches it.
boot_qemu_shell() {
	local name=$1 t=$2 input=$3
	shift 3
	last_log=$TEST_DIR/$name.log
	local fifo=$TEST_DIR/$name.serial
	rm -f "$fifo.in" "$fifo.out" "$last_log"
	mkfifo "$fifo.in" "$fifo.out"
	QEMU_STATUS=0
	tools/run-qemu.sh --tcg --serial-pipe "$fifo" -t "$t" ${DISK:+--disk "$DISK"} "$TEST_DIR/$name.iso" -- "$@" &
	local qemu=$!
	cat "$fifo.out" >"$last_log" &
	local reader=$!
	exec {to_tally}>"$fifo.in"
	local waited=0
	until grep -q "^Shell: " "$last_log" 2>/dev/null || [ "$waited" -ge $((t * 10)) ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	[ -n "${SHELL_AFTER:-}" ] && wait_for "$last_log" "$SHELL_AFTER" "$t"
	while IFS= read -r cmd; do
		printf '%s\r' "$cmd" >&$to_tally
		sleep 0.5
	done <"$input"
	wait "$qemu" || QEMU_STATUS=$?
	exec {to_tally}>&-
	wait "$reader" 2>/dev/null
	rm -f "$fifo.in" "$fifo.out"
}

# boot_bochs NAME TIMEOUT_S [run-bochs.sh args...]: serial log in $TEST_DIR/NAME.log. Bochs's speed
# is its share of a CPU: the timeout (a bound for hangs, never a verdict) is scaled by
# BOCHS_TIMEOUT_SCALE (default 3) so parallel tests on a loaded machine do not cut boots short.
boot_bochs() {
	local name=$1 t=$(($2 * ${BOCHS_TIMEOUT_SCALE:-3}))
	shift 2
	last_log=$TEST_DIR/$name.log
	BOCHS_LOG_COPY=$TEST_DIR/$name.bochs.log tools/run-bochs.sh -i "$TEST_DIR/$name.iso" -s "$last_log" -t "$t" "$@"
}

# boot_bochs_shell NAME TIMEOUT_S INPUT_FILE [run-bochs.sh args...]: like boot_bochs, but through
# run-bochs.sh's console bridge (no -s): once the shell is up, types INPUT_FILE's lines into Tally's
# COM1, each ended by CR and each after the log has been quiet for a second (the previous command's
# output settled; at most 20 s a line). A line may hold raw control bytes, e.g. Ctrl-] (0x1d).
# With SHELL_AFTER=REGEX set, the first line waits until some line of the log matches it.
boot_bochs_shell() {
	local name=$1 t=$(($2 * ${BOCHS_TIMEOUT_SCALE:-3})) input=$3
	shift 3
	last_log=$TEST_DIR/$name.log
	local fifo=$TEST_DIR/$name.in
	rm -f "$fifo" "$last_log"
	mkfifo "$fifo"
	BOCHS_LOG_COPY=$TEST_DIR/$name.bochs.log tools/run-bochs.sh -i "$TEST_DIR/$name.iso" -t "$t" "$@" \
		<"$fifo" >"$last_log" 2>&1 &
	local bochs=$!
	exec {to_tally}>"$fifo"
	local waited=0
	until grep -q "^Shell: " "$last_log" 2>/dev/null || ! kill -0 "$bochs" 2>/dev/null || [ "$waited" -ge $((t * 10)) ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	[ -n "${SHELL_AFTER:-}" ] && wait_for "$last_log" "$SHELL_AFTER" "$t"
	while IFS= read -r cmd && kill -0 "$bochs" 2>/dev/null; do
		settle "$last_log" 20
		printf '%s\r' "$cmd" >&$to_tally
	done <"$input"
	wait "$bochs"
	exec {to_tally}>&-
	rm -f "$fifo"
}

# settle LOG MAX_S: until LOG has not grown for a second (after at least one), or MAX_S have passed.
settle() {
	local size=-1 now quiet=0
	for _ in $(seq 1 $(($2 * 10))); do
		now=$(stat -c %s "$1" 2>/dev/null || echo 0)
		if [ "$now" = "$size" ]; then quiet=$((quiet + 1)); else quiet=0; fi
		size=$now
		[ "$quiet" -ge 10 ] && return 0
		sleep 0.1
	done
}

# wait_for LOG REGEX SECONDS: until some line of LOG (which may not exist yet) matches; false on timeout.
wait_for() {
	for _ in $(seq 1 $(($3 * 10))); do
		tr -d '\r' 2>/dev/null <"$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect DESCRIPTION EXTENDED-REGEX [LOG]: some line of the log matches.
expect() {
	local log=${3:-$last_log}
	if tr -d '\r' <"$log" | grep -Eq -- "$2"; then pass "$1"; else fail "$1 (no line matches /$2/ in $log)"; fi
}

# expect_not DESCRIPTION EXTENDED-REGEX [LOG]: no line matches.
expect_not() {
	local log=${3:-$last_log}
	if [ ! -f "$log" ]; then
		fail "$1 (no log $log)"
	elif tr -d '\r' <"$log" | grep -Eq -- "$2"; then
		fail "$1 (unexpected /$2/ in $log)"
	else
		pass "$1"
	fi
}

# expect_count DESCRIPTION N EXTENDED-REGEX [LOG]: exactly N lines match.
expect_count() {
	local log=${4:-$last_log} n
	n=$(tr -d '\r' <"$log" | grep -Ec -- "$3" || true)
	if [ "$n" -eq "$2" ]; then pass "$1"; else fail "$1 (expected $2 lines matching /$3/, found $n in $log)"; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; fi
}

# finish: summary line; on failure the tail of the last serial log.
finish() {
	if [ "$failed" -ne 0 ] && [ -n "$last_log" ] && [ -f "$last_log" ]; then
		echo "--- last 30 lines of $last_log ---"
		tail -n 30 "$last_log" | tr -d '\r'
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
