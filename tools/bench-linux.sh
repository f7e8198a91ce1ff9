#!/usr/bin/env bash
# bench-linux.sh: Debian's cloud kernel to user space under Bochs, as a Tally guest and booted by GRUB directly;
# then the same Tally ISO in QEMU TCG, where the guest runs under Tally's AMD SVM backend.
# usage: bench-linux.sh   (make bench-linux; material from tools/fetch-linux.sh in build/linux/)
# One emulator at a time: first Tally with the kernel as guest "deb", then the same kernel, initramfs
# and command line from a GRUB ISO of their own (boot/grub-linux-direct.cfg.in), then Tally's ISO
# in QEMU TCG (-cpu max: SVM with nested paging). The serial log is
# watched: each marker's wall time is taken when it first appears (Bochs flushes every byte). Booted
# directly, the kernel's printk overtakes the tty's queue (the checker fails there and init's exit
# panics): the user-space line's first bytes are its marker, and Bochs is stopped right then.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
out=build/bench/linux
mkdir -p "$out"
# Both boots run on the same emulated CPU. corei7_haswell_4770 has VT-x with EPT and no CPUID
# leaves 0x15/0x16: under skylake_x a kernel booted directly would trust their 3.5 GHz TSC claim
# against Bochs's 200 MHz and sleep ~17x too long (MACHINES.md); Tally hides them from its guests.
MODEL=${BENCH_LINUX_MODEL:-corei7_haswell_4770}
GUEST_MEM=128       # MiB: the guest's mem= under Tally, and all of Bochs's RAM when direct
TALLY_MEGS=512      # Tally + the guest + the modules GRUB loads
POLL=0.05           # seconds between looks at the serial log
LIMIT=900           # seconds: a bound for a hung boot, never a result
cmdline=$(sed -n 's/^LINUX_CMDLINE="\(.*\)"$/\1/p' tests/boot/linux_bochs.sh)
[ -n "$cmdline" ] || { echo "bench-linux: no LINUX_CMDLINE in tests/boot/linux_bochs.sh" >&2; exit 1; }
[ -f build/tally.elf ] || { echo "bench-linux: build/tally.elf is missing (make)" >&2; exit 1; }
if [ ! -f build/linux/vmlinuz ] || [ ! -f build/linux/initrd.img ]; then tools/fetch-linux.sh; fi

# The initramfs goes to both kernels gzip'd (-n: GRUB's --nounzip): GRUB's `initrd` never unpacks it.
tools/mkiso.sh -o "$out/tally.iso" -k build/tally.elf -c "" \
	-m build/linux/vmlinuz "linux name=deb mem=${GUEST_MEM}M -- $cmdline" \
	-n build/linux/initrd.img "initrd name=deb"
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub"
cp build/linux/vmlinuz build/linux/initrd.img "$tree/boot/"
awk -v cmd="$cmdline" '{ gsub(/@CMDLINE@/, cmd) } { print }' boot/grub-linux-direct.cfg.in >"$tree/boot/grub/grub.cfg"
log=$(grub-mkrescue -o "$out/direct.iso" "$tree" 2>&1) || { echo "$log" >&2; exit 1; }

now() { date +%s.%N; }

# The CPU seconds (user + system) of the emulator (bochs-bin, or qemu-system-x86_64 whose name
# the kernel keeps as qemu-system-x86) below process $1, or nothing: the machine is shared, and an
# emulator's CPU time moves much less with the load than its wall time.
bochs_bin=
descendants() {	# $1's children, theirs, ... (script(1) puts Bochs in a session of its own)
	local c
	for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done
}
cpu_seconds() {
	local p c
	if [ -z "$bochs_bin" ]; then
		for p in $(descendants "$1"); do
			case $(cat "/proc/$p/comm" 2>/dev/null) in bochs-bin | qemu-system-x86) bochs_bin=$p ;; esac
		done
	fi
	[ -n "$bochs_bin" ] && [ -r "/proc/$bochs_bin/stat" ] || return 0
	c=$(sed 's/^.*) //' "/proc/$bochs_bin/stat" | awk '{ print $12 + $13 }')
	echo "$c / $(getconf CLK_TCK)" | bc -l
}

# boot NAME ISO MEGS LABEL=REGEX...: boots ISO under Bochs (MEGS "qemu": under QEMU TCG) and sets T[LABEL] to the seconds from
# Bochs's start to the first serial line matching REGEX, C[LABEL] to Bochs's CPU seconds then; the
# last marker ends the run.
declare -A T C
boot() {
	local name=$1 iso=$2 megs=$3
	shift 3
	local log=$out/$name.log labels=() regexes=() m
	for m in "$@"; do labels+=("${m%%=*}"); regexes+=("${m#*=}"); done
	: >"$log"
	local t0 next=0 last=$(($# - 1))
	t0=$(now)
	if [ "$megs" = qemu ]; then
		setsid tools/run-qemu.sh --tcg -s "$log" -t "$LIMIT" "$iso" >/dev/null 2>&1 & # a group of its own
	else
		tools/run-bochs.sh -i "$iso" -s "$log" -t "$LIMIT" -m "$megs" -c "$MODEL" 2>/dev/null &
	fi
	local pid=$!
	bochs_bin=
	while [ "$next" -le "$last" ] && kill -0 "$pid" 2>/dev/null; do
		while [ "$next" -le "$last" ] && tr -d '\r' <"$log" | grep -aqE -- "${regexes[next]}"; do
			T[$name.${labels[next]}]=$(echo "$(now) - $t0" | bc)
			C[$name.${labels[next]}]=$(cpu_seconds "$pid")
			next=$((next + 1))
		done
		sleep "$POLL"
	done
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$next" -gt "$last" ] || { echo "bench-linux: $name: no line matched /${regexes[next]}/; see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
}

echo "bench-linux: Debian's cloud kernel ($(stat -c %s build/linux/vmlinuz) bytes) and initramfs ($(stat -c %s build/linux/initrd.img) bytes), $GUEST_MEM MiB, Bochs $MODEL"
echo "bench-linux: kernel command line: $cmdline"
echo "bench-linux: wall times on a shared machine: load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
boot tally "$out/tally.iso" "$TALLY_MEGS" \
	grub='Booting `' tally='^Tally .*: a type-1 hypervisor' start='^guest deb: starting at ' user='^deb: tally-linux: user space is up' \
	end='^Tally: all VMs have ended'
boot direct "$out/direct.iso" "$GUEST_MEM" \
	grub='Booting `' start='^bench-linux: GRUB starts the kernel' user='^tally-linux: '
boot svm "$out/tally.iso" qemu \
	grub='Booting `' tally='^Tally .*: a type-1 hypervisor' svm='^SVM: usable' start='^guest deb: starting at ' \
	user='^deb: tally-linux: user space is up' end='^Tally: all VMs have ended'

row() {	# LABEL TALLY_SECONDS DIRECT_SECONDS
	printf '%-34s %9.1f s %9.1f s %8.2f\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)"
}
table() {	# TITLE ARRAY
	local -n v=$2
	printf '%-34s %11s %11s %8s\n' "$1" "Tally" "direct" "ratio"
	row "power-on to GRUB's menu entry" "${v[tally.grub]}" "${v[direct.grub]}"
	row "power-on to the kernel's start" "${v[tally.start]}" "${v[direct.start]}"
	row "kernel's start to user space" "$(echo "${v[tally.user]} - ${v[tally.start]}" | bc)" \
		"$(echo "${v[direct.user]} - ${v[direct.start]}" | bc)"
	row "power-on to user space" "${v[tally.user]}" "${v[direct.user]}"
}
table "wall time (Bochs start = power-on)" T
if [ -n "${C[tally.user]:-}" ] && [ -n "${C[direct.user]:-}" ]; then
	table "Bochs's CPU time (user + system)" C
fi
echo "(Tally's first line at $(printf %.1f "${T[tally.tally]}") s; the kernel's start: Tally's 'guest deb: starting at' line; direct, GRUB's echo before 'boot')"

# Exits of the boot: Debian's cpuid tool reads leaf 0x4fffffff right after the first user-space line.
total=$(tr -d '\r' <"$out/tally.log" | sed -n 's/^deb: *0x4fffffff 0x00: eax=\(0x[0-9a-f]*\).*/\1/p' | sed -n 1p)
[ -n "$total" ] && echo "exits of the boot to user space (leaf 0x4fffffff read by /init): $((total))"
echo "top exit reasons of guest deb (its statistics table: the boot, then cpuid and the checker):"
tr -d '\r' <"$out/tally.log" | awk '/^Exit statistics: deb$/ { t = 1; next } t && /^ *total/ { exit }
	t && /^ *[0-9]+ / { print }' | sort -k3,3nr | sed -n 1,6p |
	awk '{ printf "  %4s %-20s %9s exits %7s %8s avg cycles\n", $1, $2, $3, $4, $6 }'

# The same Tally ISO under QEMU TCG: the guest under the SVM backend.
svm_total=$(tr -d '\r' <"$out/svm.log" | sed -n 's/^deb: *0x4fffffff 0x00: eax=\(0x[0-9a-f]*\).*/\1/p' | sed -n 1p)
printf '%-42s %6.1f s (Bochs, VMX: %.1f s)\n' "SVM in QEMU TCG: power-on to user space" "${T[svm.user]}" "${T[tally.user]}"
printf '%-42s %6.1f s (Bochs, VMX: %.1f s)\n' "SVM in QEMU TCG: kernel's start to user space" \
	"$(echo "${T[svm.user]} - ${T[svm.start]}" | bc)" "$(echo "${T[tally.user]} - ${T[tally.start]}" | bc)"
[ -n "${C[svm.user]:-}" ] && printf '%-42s %6.1f s\n' "SVM in QEMU TCG: QEMU's CPU time to user space" "${C[svm.user]}"
[ -n "$svm_total" ] && echo "exits of the boot to user space under SVM (leaf 0x4fffffff read by /init): $((svm_total))"
