#!/usr/bin/env bash
# run-qemu.sh: boots a Tally ISO in QEMU with the serial console on this terminal (or in a file).
# usage: run-qemu.sh [--gdb] [--tcg] [-s SERIAL_LOG] [-t TIMEOUT_S] [-m MEM] [--disk IMG] ISO [-- EXTRA QEMU ARGS]
#   --gdb   wait for gdb on localhost:1234 (gdb -x build/gdbinit)
#   --tcg   never use KVM (tests)
#   -s      serial output to this file instead of the terminal (tests)
#   -t      kill QEMU after this many seconds
#   --disk  attach this raw image as a virtio-blk disk (modern virtio only)
#   --serial-pipe BASE  serial through the FIFOs BASE.in (to Tally) and BASE.out (from Tally)
#   --no-debug-exit  no isa-debug-exit device: Tally's power-off goes through ACPI (QEMU exits 0)
#   --net-fwd PORT  a virtio-net card on QEMU's user network, host 127.0.0.1:PORT forwarded to
#           Tally's migration port 7283 (the next free port when PORT is taken, said on the console)
#   --uefi  boot under UEFI firmware (OVMF, Debian's ovmf package; OVMF_FD=FILE picks another) instead of SeaBIOS
#   --usb   the image is a USB stick on an xHCI controller instead of a CD
#   --vga   a standard VGA card (Tally's screen console; QEMU's window with --vga=show)
#   --monitor SOCKET  QEMU's monitor on this Unix socket (tests: screendump, sendkey)
set -euo pipefail
gdb=0 tcg=0 serial= timeout_s= mem=512M iso= disk= pipe= fwd= debug_exit=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
uefi=0 usb=0 vga= monitor=
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--gdb) gdb=1; shift ;;
	--tcg) tcg=1; shift ;;
	-s) serial=$2; shift 2 ;;
	-t) timeout_s=$2; shift 2 ;;
	-m) mem=$2; shift 2 ;;
	--disk) disk=$2; shift 2 ;;
	--serial-pipe) pipe=$2; shift 2 ;;
	--net-fwd) fwd=$2; shift 2 ;;
	--no-debug-exit) debug_exit=(); shift ;;
	--uefi) uefi=1; shift ;;
	--usb) usb=1; shift ;;
	--vga) vga=hidden; shift ;;
	--vga=show) vga=show; shift ;;
	--monitor) monitor=$2; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	-*) echo "run-qemu.sh: unknown option '$1'" >&2; exit 2 ;;
	*) iso=$1; shift ;;
	esac
done
[ -n "$iso" ] || { echo "usage: run-qemu.sh [--gdb] [--tcg] [--uefi] [--usb] [--vga] [-s LOG] [-t SECONDS] ISO [-- QEMU ARGS]" >&2; exit 2; }

# KVM only when the host really offers VT-x to guests (MACHINES.md: a software-only /dev/kvm is
# slower than TCG and cannot give a guest VMX).
accel=(-accel tcg -cpu max)
if [ "$tcg" = 0 ] && grep -qw vmx /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host,+vmx)
	[ -z "$serial$pipe" ] && echo "run-qemu: KVM with nested VT-x: VMX guests run for real"
elif [ -z "$serial$pipe" ]; then
	echo "run-qemu: no usable VT-x on this host: QEMU TCG (-cpu max): guests run under Tally's AMD SVM backend"
fi

args=(-nodefaults -no-user-config -machine q35 "${accel[@]}" -m "$mem" "${debug_exit[@]}" -no-reboot)
case "$vga" in
'') args+=(-display none -vga none) ;;
hidden) args+=(-display none -vga std) ;;
show) args+=(-vga std) ;;
esac
if [ "$usb" = 1 ]; then
	args+=(-drive "file=$iso,if=none,id=stick,format=raw,readonly=on" -device qemu-xhci
		-device usb-storage,drive=stick,bootindex=0)
else
	args+=(-cdrom "$iso" -boot d)
fi
if [ "$uefi" = 1 ]; then
	ovmf=${OVMF_FD:-/usr/share/ovmf/OVMF.fd}
	[ -r "$ovmf" ] || { echo "run-qemu.sh: no UEFI firmware at $ovmf: install the package ovmf (tools/deps.sh)" >&2; exit 1; }
	args+=(-bios "$ovmf")
fi
if [ -n "$disk" ]; then
	args+=(-drive "file=$disk,if=none,id=disk0,format=raw" -device virtio-blk-pci,drive=disk0,disable-legacy=on)
fi
if [ -n "$fwd" ]; then
	# Someone answering on 127.0.0.1:PORT means QEMU could not forward it ("Could not set up host
	# forwarding rule"): take the next free port and say so.
	port=$fwd
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		port=$((port + 1))
	done
	[ "$port" != "$fwd" ] && echo "run-qemu: host port $fwd is taken; 127.0.0.1:$port reaches Tally's migration port instead (NET_FWD_PORT=N picks another)"
	args+=(-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:7283" -device virtio-net-pci,netdev=n0,disable-legacy=on)
fi
monitor_arg=none
[ -n "$monitor" ] && monitor_arg="unix:$monitor,server=on,wait=off"
if [ -n "$pipe" ]; then
	args+=(-serial "pipe:$pipe" -monitor "$monitor_arg")
elif [ -n "$serial" ]; then
	args+=(-serial "file:$serial" -monitor "$monitor_arg")
else
	args+=(-serial mon:stdio)
	[ -n "$monitor" ] && args+=(-monitor "$monitor_arg")
	echo "run-qemu: serial console below; Ctrl-A X quits QEMU"
fi
if [ "$gdb" = 1 ]; then
	args+=(-s -S)
	gdbinit=$(dirname "$iso")/gdbinit
	cat >"$gdbinit" <<GDB
set architecture i386:x86-64
file $(dirname "$iso")/tally.elf
target remote localhost:1234
GDB
	echo "run-qemu: waiting for gdb: gdb -x $gdbinit"
fi
if [ -n "$timeout_s" ]; then
	exec timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 "${args[@]}" "${extra[@]}"
fi
# Interactive: QEMU's isa-debug-exit status (code << 1) | 1 becomes Tally's own exit code, so a
# shell 'halt' (code 0) ends `make run` with status 0; Ctrl-A X (status 0) stays 0.
# QEMU runs as a child (stdin kept: a background job would get /dev/null); a signal to this script
# ends it too, so a caller that stops the script (run-pair's trap) leaves no QEMU behind.
qemu-system-x86_64 "${args[@]}" "${extra[@]}" <&0 &
qemu=$!
trap 'kill -TERM "$qemu" 2>/dev/null' INT TERM HUP
rc=0
wait "$qemu" || rc=$?
while kill -0 "$qemu" 2>/dev/null; do	# a signal interrupted wait: wait for QEMU itself
	rc=0
	wait "$qemu" || rc=$?
done
[ $((rc & 1)) = 1 ] && rc=$((rc >> 1))
exit "$rc"
