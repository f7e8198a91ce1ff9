#!/usr/bin/env bash
# bench.sh: million guest instructions per second of mipsvm on guest/mips/bench_*.s (best of 3 runs),
# next to Debian's spim on the same programs in the same run (the instruction count is mipsvm's).
MIPSVM=${1:-build/mipsvm}
cd "$(dirname "$0")/../.." || exit 1
have_spim=1
command -v spim >/dev/null || { have_spim=0; echo "spim not installed (apt-get install spim): mipsvm only"; }
now() { date +%s%N; }
printf '%-14s %12s %12s %12s %10s  %s\n' program instructions "mipsvm M/s" "spim M/s" speedup output
for s in guest/mips/bench_*.s; do
	name=$(basename "$s" .s)
	best=0
	for run in 1 2 3; do
		stats=$("$MIPSVM" --stats -v "$s" 2>&1 >"/tmp/bench.$$.out")
		ins=$(sed -nE 's/.*: ([0-9]+) instructions in.*/\1/p' <<<"$stats")
		mips=$(sed -nE 's/.*s: ([0-9.]+) M instructions.*/\1/p' <<<"$stats")
		best=$(awk -v a="$best" -v b="$mips" 'BEGIN { print (b > a) ? b : a }')
	done
	spim_rate=-
	speedup=-
	same=-
	if [ $have_spim -eq 1 ]; then
		t0=$(now)
		timeout 300 spim -file "$s" 2>&1 | tail -n +6 >"/tmp/bench.$$.spim"
		t1=$(now)
		spim_rate=$(awk -v i="$ins" -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f", i / (ns / 1e9) / 1e6 }')
		speedup=$(awk -v a="$best" -v b="$spim_rate" 'BEGIN { printf "%.0fx", a / b }')
		cmp -s "/tmp/bench.$$.out" "/tmp/bench.$$.spim" && same=same || same=DIFFERENT
	fi
	printf '%-14s %12s %12s %12s %10s  %s\n' "$name" "$ins" "$best" "$spim_rate" "$speedup" "$same"
done
rm -f "/tmp/bench.$$.out" "/tmp/bench.$$.spim"
