#!/usr/bin/env bash
# run-tests.sh: runs each test (hosted binary or boot-test script), TEST_JOBS at a time (default:
# the number of CPUs), keeps its log under build/test-logs, and judges it by its own
# "N passed, N failed" line and exit status. Prints one line per test in the order given, then
# one summary line.
set -u
logdir=build/test-logs
mkdir -p "$logdir"
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1

# run_one TEST: runs it into its log; its exit status and seconds go to LOG.rc.
run_one() {
	local name log start rc
	name=$(basename "$1")
	log="$logdir/$name.log"
	start=$(date +%s)
	"$1" >"$log" 2>&1
	rc=$?
	echo "$rc $(($(date +%s) - start))" >"$log.rc"
}

# verdict TEST: the PASS:/FAIL: line (and on failure the failing checks and the log's tail).
total_pass=0
total_fail=0
failed_tests=()
verdict() {
	local name log rc secs summary p f
	name=$(basename "$1")
	log="$logdir/$name.log"
	read -r rc secs <"$log.rc"
	summary=$(grep -E '^(\w+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(sed -E 's/^(\w+: )?([0-9]+) passed.*/\2/' <<<"$summary")
	f=$(sed -E 's/^(\w+: )?[0-9]+ passed, ([0-9]+) failed.*/\2/' <<<"$summary")
	if [ -z "$summary" ]; then
		p=0; f=1
		echo "FAIL: $name: no summary line (exit status $rc)"
	elif [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$p" -eq 0 ]; then
		[ "$f" -eq 0 ] && f=1
		echo "FAIL: $name: $summary (exit status $rc, ${secs}s)"
	else
		echo "PASS: $name: $summary (${secs}s)"
	fi
	if [ "$f" -ne 0 ]; then
		failed_tests+=("$name")
		grep -E '^FAIL' "$log" | head -n 20 | sed 's/^/    /'
		echo "    --- last lines of $log ---"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

tests=("$@")
pids=()
next=0	# the next test to start
shown=0	# the next test whose verdict is due (verdicts keep the order given)
while [ "$shown" -lt ${#tests[@]} ]; do
	running=0
	for ((i = shown; i < next; i++)); do
		[ -f "$logdir/$(basename "${tests[$i]}").log.rc" ] || running=$((running + 1))
	done
	if [ "$next" -lt ${#tests[@]} ] && [ "$running" -lt "$jobs" ]; then
		rm -f "$logdir/$(basename "${tests[$next]}").log.rc"
		run_one "${tests[$next]}" &
		pids+=($!)
		next=$((next + 1))
		continue
	fi
	if [ -f "$logdir/$(basename "${tests[$shown]}").log.rc" ]; then
		wait "${pids[$shown]}" 2>/dev/null
		verdict "${tests[$shown]}"
		shown=$((shown + 1))
		continue
	fi
	wait -n 2>/dev/null || sleep 0.2
done
[ ${#failed_tests[@]} -gt 0 ] && echo "failed: ${failed_tests[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
