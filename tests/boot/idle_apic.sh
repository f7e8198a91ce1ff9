#!/usr/bin/env bash
# idle_apic.sh: the idle loop's local APIC timer in both modes (kernel/arch/idle.c): the MMIO page
# under QEMU TCG, whose 7.2 has no x2APIC ("TCG doesn't support requested feature:
# CPUID.01H:ECX.x2apic"), and x2APIC mode under Bochs, whose corei7_skylake_x has x2APIC and whose
# BIOS hands over in xAPIC mode, so Tally switches it on. In each, a MIPS VM runs to its end, then
# Tally idles (exit=shell) and must still answer the shell: with every interrupt but its timer
# masked, only the timer's wake-ups let the loop read the typed `vms` (a hlt never woken would
# hang until the timeout). `halt` ends the run.
. tests/boot/lib.sh

F=tests/boot/fixtures
printf '%s\n' "vms" "halt" >"$TEST_DIR/idle.keys"
check() {	# WHERE MODE-REGEX: the idle line, the VM's result, and the shell answering once idle
	local where=$1
	shift
	expect "$where: the idle line names the APIC mode" "^idle: local APIC timer at [1-9][0-9]* ticks/ms wakes the idle loop; $1$"
	expect "$where: the MIPS VM finished" '^\[sum\] 500500$'
	local idle answer
	idle=$(tr -d '\r' <"$last_log" | grep -n '^Tally: the shell stays up' | cut -d: -f1 | head -n1)
	answer=$(tr -d '\r' <"$last_log" | grep -n "^  mips  *sum  *exited " | cut -d: -f1 | tail -n1)
	if [ -n "$idle" ] && [ -n "$answer" ] && [ "$answer" -gt "$idle" ]; then
		pass "$where: idle Tally woke and answered vms"
	else
		fail "$where: no vms answer after Tally went idle (idle line ${idle:-none}, answer line ${answer:-none})"
	fi
	expect "$where: halt powers off" '^Tally: powering off \(halt\)$'
}

make_iso idle_qemu "exit=shell" $F/sum.s "mips name=sum"
SHELL_AFTER='^Tally: the shell stays up' boot_qemu_shell idle_qemu 60 "$TEST_DIR/idle.keys" -cpu max,-x2apic
check 'QEMU TCG' 'xAPIC mode \(MMIO page\)'

cp "$TEST_DIR/idle_qemu.iso" "$TEST_DIR/idle_bochs.iso"
SHELL_AFTER='^Tally: the shell stays up' boot_bochs_shell idle_bochs 60 "$TEST_DIR/idle.keys"
check Bochs 'x2APIC mode \(MSRs\), switched on by Tally'
finish
