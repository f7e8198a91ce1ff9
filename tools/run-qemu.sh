#!/usr/bin/env bash
# run-qemu.sh: boots a Tally ISO in QEMU with the serial console on this terminal (or in a file).
# usage: run-qemu.sh [--gdb] [--tcg] [-s SERIAL_LOG] [-t TIMEOUT_S] [-m MEM] [--disk IMG] ISO [-- EXTRA QEMU ARGS]
#   --gdb   wait for gdb on localhost:1234 (gdb -x build/gdbinit)
#   --tcg   never use KVM (tests)
#   -s      serial output to this file instead of the terminal (tests)
#   -t      kill QEMU after this many seconds
#   --disk  attach this raw image as a virtio-blk disk (modern virtio only)
#   --serial-pipe BASE  serial through the FIFOs BASE.in (to Tally) and BASE.out (from Tally)
set -euo pipefail
gdb=0 tcg=0 serial= timeout_s= mem=512M iso= disk= pipe=
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
	--) shift; extra=("$@"); break ;;
	-*) echo "run-qemu.sh: unknown option '$1'" >&2; exit 2 ;;
	*) iso=$1; shift ;;
	esac
done
[ -n "$iso" ] || { echo "usage: run-qemu.sh [--gdb] [--tcg] [-s LOG] [-t SECONDS] ISO [-- QEMU ARGS]" >&2; exit 2; }

# KVM only when the host really offers VT-x to guests (MACHINES.md: a software-only /dev/kvm is
# slower than TCG and cannot give a guest VMX).
accel=(-accel tcg -cpu max)
if [ "$tcg" = 0 ] && grep -qw vmx /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host,+vmx)
	[ -z "$serial$pipe" ] && echo "run-qemu: KVM with nested VT-x: VMX guests run for real"
elif [ -z "$serial$pipe" ]; then
	echo "run-qemu: no usable VT-x on this host: QEMU TCG (VMX guests unavailable; MIPS VMs, disk and network run)"
fi

args=(-nodefaults -no-user-config -machine q35 "${accel[@]}" -m "$mem" -display none -vga none
	-cdrom "$iso" -boot d -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot)
if [ -n "$disk" ]; then
	args+=(-drive "file=$disk,if=none,id=disk0,format=raw" -device virtio-blk-pci,drive=disk0,disable-legacy=on)
fi
if [ -n "$pipe" ]; then
	args+=(-serial "pipe:$pipe" -monitor none)
elif [ -n "$serial" ]; then
	args+=(-serial "file:$serial" -monitor none)
else
	args+=(-serial mon:stdio)
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
exec qemu-system-x86_64 "${args[@]}" "${extra[@]}"
