#!/usr/bin/env bash
# bench.sh: million guest instructions per second on guest/mips/bench_*.s, in one run, of mipsvm's
# translator (jit), mipsvm's interpreter (interp), Debian's spim, and Debian's qemu-mipsel (a JIT)
# running the same programs built as static Linux ELF files (tests/mips/bench_linux.s).
# Every rate is the same work: mipsvm's instruction count of the program (SPIM's, without SPIM's
# start-up code), over the CPU time (user + system) of the least of RUNS runs minus that of the
# same engine on an empty program (its start-up: process, assembler or loader). NO_SPIM=1 leaves
# spim out (it takes most of the time).
MIPSVM=${1:-build/mipsvm}
RUNS=${RUNS:-7}
cd "$(dirname "$0")/../.." || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
cpu() { tests/mips/cputime.py "$@"; }
rate() { awk -v i="$1" -v t="$2" -v e="$3" 'BEGIN { d = t - e; if (d <= 0) print "-"; else printf (i / d < 1e7 ? "%.1f" : "%.0f"), i / d / 1e6 }'; }

have_spim=1 have_qemu=1
[ -n "${NO_SPIM:-}" ] && have_spim=0
[ $have_spim -eq 0 ] || command -v spim >/dev/null || { have_spim=0; echo "spim not installed (apt-get install spim): no spim column"; }
for t in qemu-mipsel mipsel-linux-gnu-as mipsel-linux-gnu-ld; do
	command -v $t >/dev/null ||
		{ have_qemu=0; echo "$t missing (apt-get install qemu-user binutils-mipsel-linux-gnu): no qemu column"; }
done

# A Linux ELF of SPIM program $1 at $2: the program's syscalls become calls of bench_linux.s's.
elf() {
	sed -E 's/^([[:space:]]*)syscall/\1la $k1, __bench_syscall; jalr $k0, $k1/' "$1" >"$2.elf.s"
	cat tests/mips/bench_linux.s >>"$2.elf.s"
	mipsel-linux-gnu-as -march=mips32r2 -mno-shared -o "$2.o" "$2.elf.s" && mipsel-linux-gnu-ld -static -o "$2" "$2.o"
}

printf 'main:\tjr $ra\n' >"$T/empty.s"
e_jit=$(cpu "$RUNS" "$T/out" "$MIPSVM" --engine jit -v "$T/empty.s")
e_interp=$(cpu "$RUNS" "$T/out" "$MIPSVM" --engine interp -v "$T/empty.s")
[ $have_spim -eq 1 ] && e_spim=$(cpu 3 "$T/out" spim -file "$T/empty.s")
if [ $have_qemu -eq 1 ]; then
	elf "$T/empty.s" "$T/empty" || have_qemu=0
	[ $have_qemu -eq 1 ] && e_qemu=$(cpu "$RUNS" "$T/out" qemu-mipsel "$T/empty")
fi

printf '%-13s %12s %9s %9s %9s %9s %8s  %s\n' program instructions "jit M/s" "interp" "spim" "qemu" "jit/qemu" output
for s in guest/mips/bench_*.s; do
	name=$(basename "$s" .s)
	stats=$("$MIPSVM" --stats -v "$s" 2>&1 >"$T/ref")
	ins=$(sed -nE 's/.*: ([0-9]+) instructions in.*/\1/p' <<<"$stats")
	same=same
	jit=$(rate "$ins" "$(cpu "$RUNS" "$T/out" "$MIPSVM" --engine jit -v "$s")" "$e_jit")
	cmp -s "$T/out" "$T/ref" || same="DIFFERENT(jit)"
	interp=$(rate "$ins" "$(cpu "$RUNS" "$T/out" "$MIPSVM" --engine interp -v "$s")" "$e_interp")
	cmp -s "$T/out" "$T/ref" || same="DIFFERENT(interp)"
	spim=- qemu=- ratio=-
	if [ $have_spim -eq 1 ]; then
		spim=$(rate "$ins" "$(cpu 1 "$T/spim" timeout 300 spim -file "$s")" "$e_spim")
		tail -n +6 "$T/spim" | cmp -s - "$T/ref" || same="DIFFERENT(spim)"
	fi
	if [ $have_qemu -eq 1 ] && elf "$s" "$T/$name"; then
		qemu=$(rate "$ins" "$(cpu "$RUNS" "$T/out" qemu-mipsel "$T/$name")" "$e_qemu")
		cmp -s "$T/out" "$T/ref" || same="DIFFERENT(qemu)"
		ratio=$(awk -v a="$jit" -v b="$qemu" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }')
	fi
	printf '%-13s %12s %9s %9s %9s %9s %8s  %s\n' "$name" "$ins" "$jit" "$interp" "$spim" "$qemu" "$ratio" "$same"
done
