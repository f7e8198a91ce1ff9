#!/usr/bin/env bash
# power_qemu.sh: power and time without the PC's legacy pieces (kernel/arch/power.c, tsc.c).
# 1. No isa-debug-exit device and no PIT (-machine pit=off): Tally calibrates the TSC against the
#    HPET, runs a MIPS VM and powers off through ACPI S5; QEMU ends on its own with status 0
#    (a timeout would be 124) right after Tally's line saying so.
# 2. No PIT and no HPET: the ACPI PM timer of the FADT; the shell's `reboot` resets the machine
#    through the FADT's reset register, which ends QEMU (-no-reboot) with status 0 after that line.
#    Before it, `vmx` on a CPU without VT-x (TCG) says so.
# 3. With the PIT, for reference: the three calibrations of the same (host) TSC agree within 2%.
. tests/boot/lib.sh

F=tests/boot/fixtures
mhz() { tr -d '\r' <"$1" | sed -nE 's/^TSC: ([0-9]+)\.[0-9]{3} MHz \(.*\)$/\1/p' | head -n1; }
# expect_last DESCRIPTION REGEX: the log's last non-empty line matches (nothing was printed after).
expect_last() {
	local last
	last=$(tr -d '\r' <"$last_log" | grep -v '^$' | tail -n1)
	if printf '%s\n' "$last" | grep -Eq -- "$2"; then pass "$1"; else fail "$1 (the last line is '$last')"; fi
}

make_iso acpi "" $F/sum.s "mips name=sum"
NO_DEBUG_EXIT=1 boot_qemu acpi 60 -machine q35,pit=off
acpi_log=$last_log
expect "no PIT: the HPET instead" '^TSC: no PIT to calibrate against \(absent, or its clock gated\): using the HPET$'
expect "TSC calibrated against the HPET" '^TSC: [0-9]+\.[0-9]{3} MHz \(HPET calibration\)$'
expect "the MIPS VM ran" '^\[sum\] 500500$'
expect_eq "QEMU ended on its own with status 0 (ACPI power-off, no isa-debug-exit)" 0 "$QEMU_STATUS"
expect_last "Tally's last line: power-off through ACPI S5" \
	'^Tally: powering off through ACPI S5 \(PM1a_CNT_BLK 0x[0-9a-f]+, SLP_TYP [0-7]\)$'

make_iso pmtimer "exit=shell"
printf '%s\n' "vmx" "reboot" >"$TEST_DIR/reboot.keys"
SHELL_AFTER='^Tally: the shell stays up' boot_qemu_shell pmtimer 60 "$TEST_DIR/reboot.keys" -machine q35,pit=off,hpet=off
pm_log=$last_log
expect "no PIT, no HPET: the ACPI PM timer" '^TSC: no PIT to calibrate against \(absent, or its clock gated\): using the ACPI PM timer$'
expect "TSC calibrated against the ACPI PM timer" '^TSC: [0-9]+\.[0-9]{3} MHz \(ACPI PM timer calibration\)$'
expect "vmx without VT-x says why and reads no capability MSR" '^vmx: no capability MSRs to read: CPUID\.1:ECX\.VMX is 0 '
expect "reboot from the shell" '^Tally: rebooting$'
expect_eq "QEMU ended on the reset (-no-reboot) with status 0" 0 "$QEMU_STATUS"
expect_last "Tally's last line: the FADT's reset register did it (no later way was tried)" \
	'^reboot: ACPI reset register \(I/O 0x[0-9a-f]+ <- 0x[0-9a-f]+\)$'

cp "$TEST_DIR/acpi.iso" "$TEST_DIR/acpi_pit.iso"
boot_qemu acpi_pit 60
expect "with the PIT: the PIT" '^TSC: [0-9]+\.[0-9]{3} MHz \(PIT calibration\)$'
pit=$(mhz "$TEST_DIR/acpi_pit.log") hpet=$(mhz "$acpi_log") pm=$(mhz "$pm_log")
if [ -n "$pit" ] && [ -n "$hpet" ] && [ -n "$pm" ] &&
	[ $((hpet * 100)) -ge $((pit * 98)) ] && [ $((hpet * 100)) -le $((pit * 102)) ] &&
	[ $((pm * 100)) -ge $((pit * 98)) ] && [ $((pm * 100)) -le $((pit * 102)) ]; then
	pass "HPET ($hpet MHz) and PM timer ($pm MHz) agree with the PIT ($pit MHz) within 2%"
else
	fail "calibrations disagree: PIT ${pit:-none} MHz, HPET ${hpet:-none} MHz, PM timer ${pm:-none} MHz"
fi
finish
