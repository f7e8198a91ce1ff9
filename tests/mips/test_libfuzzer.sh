#!/usr/bin/env bash
# test_libfuzzer.sh: runs the libFuzzer targets (build/fuzz/*) briefly from seed corpora:
# the guest programs for the assembler, snapshots taken by mipsvm for the loader, a recorded
# migration stream (test_mips_migrate --seeds) for the receiver. FUZZ_SECONDS=N runs each target N s.
cd "$(dirname "$0")/../.." || exit 1
. tests/mips/lib.sh
SECONDS_EACH=${FUZZ_SECONDS:-4}
mkdir -p "$TMP/asm" "$TMP/snap" "$TMP/mig_in"
cp guest/mips/*.s tests/mips/roundtrip.s "$TMP/asm/"
for k in 0 5 40 150; do
	build/mipsvm --snapshot-at $k "$TMP/snap/rt$k" -v tests/mips/roundtrip.s >/dev/null 2>&1
done
build/host/test_mips_migrate --seeds "$TMP/mig_in" >/dev/null || fail "no migration seeds"
for target in asm snapshot mig_in; do
	bin=build/fuzz/fuzz_$target
	if [ ! -x $bin ]; then
		fail "$bin missing (needs clang and libclang-rt-14-dev: make deps)"
		continue
	fi
	# -rss_limit_mb: a VM may use 1 MiB; leaks and crashes fail the run.
	$bin -max_total_time="$SECONDS_EACH" -rss_limit_mb=1024 -max_len=8192 -print_final_stats=1 \
		-artifact_prefix="$TMP/$target-" \
		"$TMP/$(case $target in snapshot) echo snap ;; *) echo $target ;; esac)" >"$TMP/$target.log" 2>&1
	rc=$?
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$TMP/$target.log")
	if [ $rc -eq 0 ] && [ "${runs:-0}" -gt 0 ]; then
		pass "libFuzzer $target: $runs inputs in ${SECONDS_EACH}s, no crash"
	else
		fail "libFuzzer $target: exit status $rc"
		grep -E "ERROR|SUMMARY|runtime error|==[0-9]+==" "$TMP/$target.log" | head -n 10
		for f in "$TMP/$target-"*; do	# keep the reproducer where it survives the test
			[ -f "$f" ] && mkdir -p build/fuzz/crashes && cp "$f" build/fuzz/crashes/ &&
				echo "reproducer: build/fuzz/crashes/$(basename "$f")"
		done
	fi
done
finish
