#!/usr/bin/env bash
# vmx_qemu.sh: QEMU TCG has no VT-x: Tally says so, starts no guest, and still ends in order.
. tests/boot/lib.sh

make_iso noguests "" build/guest/testguest.elf "guest name=testguest mem=16M"
boot_qemu noguests 60
expect "guests are skipped with the reason" \
	'^VMX: 1 guest module\(s\) not started: VMX unavailable: CPUID\.1:ECX\.VMX is 0 '
expect_not "no guest ran" '^guest testguest: starting'
expect "orderly end" '^Tally: all VMs have ended$'
finish
