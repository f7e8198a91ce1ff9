#!/usr/bin/env bash
# test_tally_report.sh: tools/tally-report on a small well-formed export (its PNG and text report,
# figures checked) and on malformed logs: each is refused with one line naming the file, line and
# check, exit status 2, and never a Python traceback.
set -u
dir=build/tests/tally_report
mkdir -p "$dir"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# A guest with 5 CPUID exits (300..700 cycles) and 2 HLTs over two 10 ms buckets, and a trace of 2.
good() {
	cat <<'LOG'
Tally v0 booting
testguest: some guest output
tally-export-begin v1 guest=tg
{"kind":"guest","name":"tg","state":"ended","tsc_hz":200000000,"exits":7,"cycles":5000,"host_cycles":10,"book_cycles":70,"trace_size":2}
{"kind":"reason","reason":10,"name":"CPUID","exits":5,"timed":5,"cycles":2500,"min":300,"max":700,"p50":511,"p90":767,"p99":700}
{"kind":"hist","reason":10,"buckets":[[256,319,1],[384,447,1],[448,511,1],[512,639,1],[640,767,1]]}
{"kind":"reason","reason":12,"name":"HLT","exits":2,"timed":2,"cycles":2500,"min":1000,"max":1500,"p50":1023,"p90":1500,"p99":1500}
{"kind":"hist","reason":12,"buckets":[[896,1023,1],[1280,1535,1]]}
{"kind":"timeline","bucket_cycles":2000000,"bucket_ns":10000000,"buckets":2,"merges":0}
{"kind":"bucket","index":0,"start_ns":0,"exits":{"10":4,"12":1}}
{"kind":"bucket","index":1,"start_ns":10000000,"exits":{"10":1,"12":1}}
{"kind":"trace","seq":5,"tsc":100,"reason":12,"name":"HLT","rip":"0x1000","qual":"0x0","cycles":1500}
{"kind":"trace","seq":6,"tsc":200,"reason":10,"name":"CPUID","rip":"0x1002","qual":"0x0","cycles":null}
tally-export-end guest=tg lines=10
Tally: powering off
LOG
}

good >"$dir/good.log"
rm -f "$dir/good.png"
if tools/tally-report "$dir/good.log" --png "$dir/good.png" >"$dir/good.txt" 2>"$dir/good.err"; then
	pass "a well-formed export is read"
else
	fail "a well-formed export was refused: $(cat "$dir/good.err")"
fi
sig=$(head -c 8 "$dir/good.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ] && pass "it writes a PNG" || fail "no PNG signature ($sig)"
grep -Eq '^ +CPUID +5 +71\.43% +50\.00% +300 +500 +700 +511 +700$' "$dir/good.txt" &&
	pass "CPUID row: 5 samples, 71.43% of exits, 50% of the time, min/avg/max 300/500/700, p50 511, p99 700" ||
	fail "CPUID row wrong: $(grep CPUID "$dir/good.txt")"
grep -q '^Total Samples:7, Total time:25.0us$' "$dir/good.txt" && pass "total line" || fail "total line: $(tail -3 "$dir/good.txt")"
grep -q '^Timeline: 2 buckets of 10.000 ms; the busiest starts at 0.000 ms with 5 exits$' "$dir/good.txt" &&
	pass "timeline line" || fail "timeline line missing"

# bad NAME "expected message (ERE)" < LOG: run in this shell (not a pipeline) so the counts add up.
bad() {
	local name=$1 want=$2
	cat >"$dir/$name.log"
	tools/tally-report "$dir/$name.log" --png "$dir/$name.png" >/dev/null 2>"$dir/$name.err"
	local rc=$?
	if [ "$rc" -eq 2 ] && grep -Eq -- "^tally-report: $dir/$name\.log(:[0-9]+)?: (export of '[a-z]+': )?$want" "$dir/$name.err" &&
		! grep -q Traceback "$dir/$name.err" && [ "$(wc -l <"$dir/$name.err")" -eq 1 ]; then
		pass "$name: refused in one line ($(cat "$dir/$name.err"))"
	else
		fail "$name: status $rc, said: $(head -c 400 "$dir/$name.err")"
	fi
}

bad no-export "no export block" < <(printf 'just a boot log\n')
bad cut-off "the export of 'tg' never ends" < <(good | head -n 8)
bad wrong-count "the end says 12 lines, the block holds 10" < <(good | sed 's/lines=10/lines=12/')
bad bad-json "not a JSON line of the export" < <(good | sed 's/^{"kind":"bucket","index":1.*/{"kind":"bucket",/')
bad wrong-type '"timed" is not int' < <(good | sed 's/"exits":5,"timed":5/"exits":5,"timed":"5"/')
bad hist-sum "reason 10's histogram holds 6 exits, its line says 5 timed" < <(good | sed 's/\[640,767,1\]/[640,767,2]/')
bad timeline-count "the timeline announces 3 buckets, 2 follow" < <(good | sed 's/"buckets":2,/"buckets":3,/')
bad version "export format v9; this tool reads v1" < <(good | sed 's/begin v1/begin v9/')
bad unknown-kind 'unknown kind "frob"' < <(good | sed 's/"kind":"trace"/"kind":"frob"/')
bad two-guests "exports of several guests \(other, tg\): choose one with --guest" < <({ good; good | sed 's/guest=tg/guest=other/g'; })
bad end-only "an export ends that never began" < <(printf 'tally-export-end guest=x lines=0\n')
bad negative '"tsc_hz" is negative' < <(good | sed 's/"tsc_hz":200000000/"tsc_hz":-5/')
tools/tally-report "$dir/does-not-exist.log" 2>"$dir/missing.err" >/dev/null
[ $? -eq 2 ] && grep -q "cannot read" "$dir/missing.err" && pass "a missing file is named" || fail "missing file: $(cat "$dir/missing.err")"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
