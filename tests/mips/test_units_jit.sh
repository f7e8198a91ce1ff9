#!/usr/bin/env bash
# test_units_jit.sh: the hosted MIPS unit tests whose VMs come from tests/mips/testport.h (semantics,
# scheduler, snapshots, FPU, migration) again with every VM translated (MIPS_TEST_ENGINE=jit); make
# test runs each plainly too, on the interpreter. Their verdicts pass through with the test's name.
cd "$(dirname "$0")/../.." || exit 1
passed=0 failed=0
for t in cpu sched snapshot fpu migrate; do
	bin=build/host/test_mips_$t
	out=$(MIPS_TEST_ENGINE=jit "$bin" 2>&1)
	rc=$?
	grep -E '^(PASS|FAIL): ' <<<"$out" | sed "s/^\(PASS\|FAIL\): /\1: $t (jit): /"
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 1)
	if [ -z "$summary" ] || [ "$rc" -ne 0 ]; then
		echo "FAIL: $t (jit): exit status $rc, summary '${summary:-none}'"
		failed=$((failed + 1))
	fi
	passed=$((passed + $(sed -E 's/ passed.*//' <<<"${summary:-0 passed}")))
	failed=$((failed + $(sed -E 's/.*passed, ([0-9]+) failed/\1/' <<<"${summary:-0 passed, 0 failed}")))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
