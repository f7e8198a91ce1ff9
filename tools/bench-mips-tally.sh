#!/usr/bin/env bash
# bench-mips-tally.sh: guest/mips/bench_*.s inside Tally under QEMU TCG, translated and interpreted:
# one boot per engine with the four programs as modules (run round-robin); once all have ended the
# shell's vms lists each VM's instructions and the time of its own slices (Tally's clock). A
# benchmark, not a test: TCG emulates the host CPU, so the figures are TCG's speed at running either
# engine, not the hardware's.
set -euo pipefail
dir=build/bench-mips-tally
mkdir -p "$dir"
printf '%-14s %12s %14s %14s\n' program instructions "jit M/s" "interp M/s"
declare -A rate
for engine in jit interp; do
	mods=()
	for s in guest/mips/bench_*.s; do
		mods+=(-m "$s" "mips name=$(basename "$s" .s) slice=100000")
	done
	tools/mkiso.sh -o "$dir/$engine.iso" -k build/tally.elf -c "exit=shell mips_engine=$engine" "${mods[@]}"
	fifo=$dir/$engine.serial log=$dir/$engine.log
	rm -f "$fifo.in" "$fifo.out" "$log"
	mkfifo "$fifo.in" "$fifo.out"
	tools/run-qemu.sh --tcg --serial-pipe "$fifo" -t 600 "$dir/$engine.iso" &
	qemu=$!
	cat "$fifo.out" >"$log" &
	reader=$!
	exec {to_tally}>"$fifo.in"
	until grep -q "all VMs have ended" "$log" 2>/dev/null || ! kill -0 $qemu 2>/dev/null; do sleep 0.5; done
	sleep 1
	printf 'vms\r' >&$to_tally
	sleep 2
	printf 'halt\r' >&$to_tally
	wait $qemu || true
	exec {to_tally}>&-
	wait $reader 2>/dev/null || true
	rm -f "$fifo.in" "$fifo.out"
	while read -r name ins rt; do
		rate[$engine.$name]=$rt
		rate[ins.$name]=$ins
	done < <(tr -d '\r' <"$log" | sed -nE 's/^  mips  (bench_[a-z]+) +exited +([0-9]+) instructions, .* \(([0-9]+) M\/s\)$/\1 \2 \3/p')
done
for s in guest/mips/bench_*.s; do
	n=$(basename "$s" .s)
	printf '%-14s %12s %14s %14s\n' "$n" "${rate[ins.$n]:--}" "${rate[jit.$n]:--}" "${rate[interp.$n]:--}"
done
