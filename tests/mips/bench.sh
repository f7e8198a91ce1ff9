#!/usr/bin/env bash
# bench.sh: million guest instructions per second on guest/mips/bench_*.s, in one run, of mipsvm's
# translator (jit), mipsvm's interpreter (interp), Debian's spim, and Debian's qemu-mipsel (a JIT)
# running the same programs built as static Linux ELF files (tests/mips/bench_linux.s).
# Every rate is the same work, mipsvm's instruction count of the program (SPIM's, without SPIM's
# start-up code), over CPU time (user + system: on a shared machine a run also waits, and that is
# not its work), the least of RUNS runs: mipsvm's own figure for the run (--stats, after assembly),
# qemu's from inside the guest (bench_linux.s: from _start to the exit, so without qemu's start-up),
# spim's whole process minus an empty program's. NO_SPIM=1 leaves spim out (it takes most of the time).
MIPSVM=${1:-build/mipsvm}
RUNS=${RUNS:-7}
cd "$(dirname "$0")/../.." || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
rate() { awk -v i="$1" -v t="$2" 'BEGIN { if (t <= 0) print "-"; else printf (i / t < 1e7 ? "%.1f" : "%.0f"), i / t / 1e6 }'; }
least() { sort -g | head -n 1; }

have_spim=1 have_qemu=1
[ -n "${NO_SPIM:-}" ] && have_spim=0
[ $have_spim -eq 0 ] || command -v spim >/dev/null || { have_spim=0; echo "spim not installed (apt-get install spim): no spim column"; }
for t in qemu-mipsel mipsel-linux-gnu-as mipsel-linux-gnu-ld; do
	command -v $t >/dev/null ||
		{ have_qemu=0; echo "$t missing (apt-get install qemu-user binutils-mipsel-linux-gnu): no qemu column"; }
done

# mipsvm_cpu ENGINE PROGRAM: seconds of CPU of the least of RUNS runs; the output goes to $T/out.
mipsvm_cpu() {
	for _ in $(seq "$RUNS"); do
		"$MIPSVM" --engine "$1" --stats -v "$2" 2>&1 >"$T/out" | sed -nE 's/.*all VMs: ([0-9.]+) s of CPU.*/\1/p'
	done | least
}

# qemu_cpu ELF: the same for qemu-mipsel, by the guest's own account ("cputime S NS" on stderr).
qemu_cpu() {
	for _ in $(seq "$RUNS"); do
		qemu-mipsel "$1" 2>&1 >"$T/out" | awk '/^cputime / { printf "%.9f\n", $2 + $3 / 1e9 }'
	done | least
}

# A Linux ELF of SPIM program $1 at $2: the program's syscalls become calls of bench_linux.s's.
elf() {
	sed -E 's/^([[:space:]]*)syscall/\1la $k1, __bench_syscall; jalr $k0, $k1/' "$1" >"$2.elf.s"
	cat tests/mips/bench_linux.s >>"$2.elf.s"
	mipsel-linux-gnu-as -march=mips32r2 -mno-shared -o "$2.o" "$2.elf.s" && mipsel-linux-gnu-ld -static -o "$2" "$2.o"
}

if [ $have_spim -eq 1 ]; then
	printf 'main:\tjr $ra\n' >"$T/empty.s"
	e_spim=$(tests/mips/cputime.py 3 "$T/out" spim -file "$T/empty.s")
fi

printf '%-13s %12s %9s %9s %9s %9s %8s  %s\n' program instructions "jit M/s" "interp" "spim" "qemu" "jit/qemu" output
for s in guest/mips/bench_*.s; do
	name=$(basename "$s" .s)
	stats=$("$MIPSVM" --stats -v "$s" 2>&1 >"$T/ref")
	ins=$(sed -nE 's/.*: ([0-9]+) instructions in.*/\1/p' <<<"$stats")
	same=same
	jit=$(rate "$ins" "$(mipsvm_cpu jit "$s")")
	cmp -s "$T/out" "$T/ref" || same="DIFFERENT(jit)"
	interp=$(rate "$ins" "$(mipsvm_cpu interp "$s")")
	cmp -s "$T/out" "$T/ref" || same="DIFFERENT(interp)"
	spim=- qemu=- ratio=-
	if [ $have_spim -eq 1 ]; then
		t=$(tests/mips/cputime.py 1 "$T/spim" timeout 600 spim -file "$s")
		spim=$(rate "$ins" "$(awk -v a="$t" -v b="$e_spim" 'BEGIN { print a - b }')")
		tail -n +6 "$T/spim" | cmp -s - "$T/ref" || same="DIFFERENT(spim)"
	fi
	if [ $have_qemu -eq 1 ] && elf "$s" "$T/$name"; then
		qemu=$(rate "$ins" "$(qemu_cpu "$T/$name")")
		cmp -s "$T/out" "$T/ref" || same="DIFFERENT(qemu)"
		ratio=$(awk -v a="$jit" -v b="$qemu" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }')
	fi
	printf '%-13s %12s %9s %9s %9s %9s %8s  %s\n' "$name" "$ins" "$jit" "$interp" "$spim" "$qemu" "$ratio" "$same"
done
