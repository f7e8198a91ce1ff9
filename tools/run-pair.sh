#!/usr/bin/env bash
# run-pair.sh: two Tallys in two QEMUs joined by a -netdev socket link (UDP on 127.0.0.1 ports PORT
# and PORT+1: QEMU's TCP socket link holds small frames behind Nagle), with static addresses and
# names each knows the other by (hosts=a:...,b:...): "A" 10.0.3.1/24 (its serial console is shown prefixed "[A]") and "B" 10.0.3.2/24 (its serial
# console is this terminal: type shell commands there, Ctrl-A X quits both).
# usage: run-pair.sh [-k tally.elf] [-c "extra kernel command line"] [-p PORT] [-d DIR] [-b FILE "module cmdline"]...
#                    [[-m] FILE "module cmdline"]...  (-b: a module on B only; the others go on both)
# Both get exit=shell unless the extra command line says otherwise.
set -euo pipefail
kernel=build/tally.elf extra= port=${PAIR_PORT:-7290} dir=build/pair
b_mods=() mods=()
while [ $# -gt 0 ]; do
	case "$1" in
	-b) b_mods+=(-m "$2" "$3"); shift 3 ;;
	-k) kernel=$2; shift 2 ;;
	-c) extra=$2; shift 2 ;;
	-p) port=$2; shift 2 ;;
	-d) dir=$2; shift 2 ;;
	-m) mods+=(-m "$2" "$3"); shift 3 ;;
	*) break ;;
	esac
done
while [ $# -ge 2 ]; do
	mods+=(-m "$1" "$2")
	shift 2
done
mkdir -p "$dir"
[[ " $extra " == *" exit="* ]] || extra="exit=shell $extra"
tools/mkiso.sh -o "$dir/a.iso" -k "$kernel" -c "ip=10.0.3.1/24 hosts=a:10.0.3.1,b:10.0.3.2 $extra" "${mods[@]}" >/dev/null
tools/mkiso.sh -o "$dir/b.iso" -k "$kernel" -c "ip=10.0.3.2/24 hosts=a:10.0.3.1,b:10.0.3.2 $extra" "${mods[@]}" "${b_mods[@]}" >/dev/null
nic() { echo "-device virtio-net-pci,netdev=n0,disable-legacy=on,mac=52:54:00:00:03:$1"; }

: >"$dir/a.log"
# shellcheck disable=SC2046
tools/run-qemu.sh -s "$dir/a.log" "$dir/a.iso" -- \
	-netdev socket,id=n0,udp=127.0.0.1:$((port + 1)),localaddr=127.0.0.1:$port $(nic 01) &
a_pid=$!
trap 'kill $a_pid 2>/dev/null || true' EXIT
echo "run-pair: A is 10.0.3.1 (serial in $dir/a.log, shown as [A]); B is 10.0.3.2 on this terminal"
# B's console and A's lines meet in tools/pair-console.py, which keeps each of A's lines whole and
# out of B's lines; B's status is the pair's.
# shellcheck disable=SC2046
tools/run-qemu.sh "$dir/b.iso" -- -netdev socket,id=n0,udp=127.0.0.1:$port,localaddr=127.0.0.1:$((port + 1)) $(nic 02) \
	| tools/pair-console.py "$dir/a.log"
exit "${PIPESTATUS[0]}"
