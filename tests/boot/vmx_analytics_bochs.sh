#!/usr/bin/env bash
# vmx_analytics_bochs.sh: under Bochs, the test guest's exit analytics held against what ran: the
# export written at its end (stats_export=on) and by `stats testguest --export` are the same; its
# per-reason counts are what the guest read through CPUID last plus the exits the trace shows after
# that read; every reason's histogram and timeline sum to its count; the trace's RIPs are the
# guest's own instructions (nm names the function, objdump the instruction); `trace testguest 8`
# shows the export's last 8 entries; `stats save` builds the same block for the disk (Bochs has
# none: it says how many bytes it did not write); tools/tally-report makes a PNG and the text
# report of the log.
. tests/boot/lib.sh

G=build/guest
ELF=$G/testguest.elf
TRACE=512 # the final reads (88 exits) and what follows (the line they print, ~250 exits)

make_iso analytics "exit=shell stats_export=on" "$ELF" "guest name=testguest mem=16M trace=$TRACE"
printf '%s\n' "trace testguest 8" "stats testguest --export" "stats save testguest exits.jsonl" "halt" >"$TEST_DIR/analytics.keys"
SHELL_AFTER='^Tally: the shell stays up' boot_bochs_shell analytics 120 "$TEST_DIR/analytics.keys"
L=$last_log

expect "the test guest passed its checks" '^testguest: [0-9]+ passed, 0 failed$'
expect "the test guest read its final figures in one undisturbed span" '^testguest: final: total [0-9]+ 87/87( [0-9]+=[0-9]+)+$'
expect "the guest ended through port 0xf4" '^guest testguest: exited through port 0xf4 with code 0$'
expect_count "two export blocks: at the guest's end and from the shell" 2 '^tally-export-begin v1 guest=testguest$'
expect "the shell's trace view" "^Exit trace: testguest, last 8 of [0-9]+ exits \(trace=$TRACE\), oldest first$"

# stats save: the block it built has the bytes of the one the shell printed.
block_bytes=$(tr -d '\r' <"$L" | awk '/^tally-export-begin/ { n++ } n == 2 { print } n == 2 && /^tally-export-end/ { exit }' | wc -c)
expect "stats save built the shell's export block ($block_bytes bytes) and names the missing disk" \
	"^stats save: testguest's export \($block_bytes bytes\) not written: no disk attached"

# The judgement of the export against the guest's figures, the symbols and the trace view.
while IFS= read -r line; do
	case $line in
	PASS:*) pass "${line#PASS: }" ;;
	FAIL:*) fail "${line#FAIL: }" ;;
	*) echo "$line" ;;
	esac
done < <(python3 tests/boot/vmx_analytics_check.py "$L" "$ELF" 2>&1 || echo "FAIL: the checker ended with an error")

# tally-report on that very log.
rm -f "$TEST_DIR/report.png" "$TEST_DIR/report.txt"
if tools/tally-report "$L" --png "$TEST_DIR/report.png" >"$TEST_DIR/report.txt" 2>"$TEST_DIR/report.err"; then
	pass "tally-report read the log"
else
	fail "tally-report failed: $(head -c 300 "$TEST_DIR/report.err")"
fi
sig=$(head -c 8 "$TEST_DIR/report.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
expect_eq "the picture is a PNG (signature)" "89504e470d0a1a0a" "$sig"
size=$(stat -c %s "$TEST_DIR/report.png" 2>/dev/null || echo 0)
if [ "$size" -gt 10000 ]; then pass "the PNG is not empty ($size bytes)"; else fail "the PNG has $size bytes"; fi
cpuid_exits=$(tr -d '\r' <"$L" | grep -m1 '^{"kind":"reason","reason":10,' | sed -E 's/.*"exits":([0-9]+).*/\1/')
expect "the text report's CPUID row has the exported count" "^ *CPUID +${cpuid_exits:-none} " "$TEST_DIR/report.txt"
expect "the text report's header" '^ *Event +Samples +Samples% +Time% +Min +Avg +Max +p50 +p99 +\(cycles\)$' "$TEST_DIR/report.txt"
finish
