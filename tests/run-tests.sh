#!/usr/bin/env bash
# run-tests.sh: runs each test (hosted binary or boot-test script), keeps its log under build/test-logs,
# and judges it by its own "N passed, N failed" line and exit status. Prints one summary line.
set -u
logdir=build/test-logs
mkdir -p "$logdir"
total_pass=0
total_fail=0
failed_tests=()
for t in "$@"; do
	name=$(basename "$t")
	log="$logdir/$name.log"
	start=$(date +%s)
	"$t" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
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
done
[ ${#failed_tests[@]} -gt 0 ] && echo "failed: ${failed_tests[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
