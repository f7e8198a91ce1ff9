#!/usr/bin/env bash
# vmx_guests.sh: under Bochs (emulated VT-x; or AMD SVM in QEMU TCG when svm_guests.sh sources it):
# all guests run at once; the negative guests are each stopped with their named report, the others
# carry on, the self-checking test guest passes all its checks in each of the three CPUID statistics
# layouts, and the statistics tables are printed.
. tests/boot/lib.sh

G=build/guest
TESTGUEST_CHECKS=31

make_iso guests "$PLATFORM_CMDLINE" \
	"$G/negative-triple.elf" "guest name=triple mem=4M" \
	"$G/negative-outside.elf" "guest name=outside mem=4M" \
	boot/grub.cfg.in "guest name=notakernel mem=4M" \
	"$G/negative-vmxon.elf" "guest name=vmxon mem=4M" \
	"$G/negative-spin.elf" "guest name=spin mem=4M timeout=300ms" \
	"$G/testguest.elf" "guest name=testguest mem=16M"
boot_platform guests 150

expect "triple fault stops its guest" \
	'^guest triple: stopped: triple fault \(exit reason 2 TRIPLE_FAULT\) at RIP 0x[0-9a-f]+$'
expect "write outside guest memory stops its guest (GPA, qualification, RIP)" \
	'^guest outside: stopped: EPT violation \(exit reason 48 EPT_VIOLATION\): write at guest-physical 0x500000 outside its 4096 KiB, qualification 0x[0-9a-f]+, linear 0x500000, RIP 0x[0-9a-f]+$'
expect "a module that is no multiboot kernel is refused" \
	'^guest notakernel: not started: no multiboot \(v1\) header in the first 8192 bytes$'
if [ "$PLATFORM" = svm ]; then # an AMD CPU raises #UD for VMXON itself
	expect_not "VMXON in a guest raises #UD in the CPU, without an exit" '^guest vmxon: VMXON \(exit reason'
else
	expect "VMXON in a guest is answered with #UD" '^guest vmxon: VMXON \(exit reason 27\) at RIP 0x[0-9a-f]+: #UD injected$'
fi
expect "the guest saw #UD" '^vmxon: VMXON raised vector 6$'
expect "the VMXON guest ends normally" '^guest vmxon: exited through port 0xf4 with code 0$'
expect "spin with IF=0 is stopped by its timeout" '^guest spin: stopped: timeout=300ms ran out at RIP 0x[0-9a-f]+$'
spin_timer=$(tr -d '\r' <"$last_log" | awk -v row="$TIMER_ROW" '/^Exit statistics: /{s=($3=="spin")} s && $2==row{print $3}')
if [ -n "$spin_timer" ] && [ "$spin_timer" -gt 0 ]; then
	pass "the quantum timer returned control during the spin ($spin_timer $TIMER_ROW exits)"
else
	fail "no $TIMER_ROW row in the spin guest's statistics"
fi
spin_line=$(tr -d '\r' <"$last_log" | grep -n '^guest spin: stopped:' | cut -d: -f1 | head -n1)
start_line=$(tr -d '\r' <"$last_log" | grep -n '^guest testguest: starting at' | cut -d: -f1 | head -n1)
end_line=$(tr -d '\r' <"$last_log" | grep -n '^guest testguest: exited through port' | cut -d: -f1 | head -n1)
if [ -n "$spin_line" ] && [ -n "$start_line" ] && [ -n "$end_line" ] && [ "$start_line" -lt "$spin_line" ]; then
	pass "the test guest ran beside the negative ones (started before spin was stopped) and finished"
else
	fail "the test guest did not run concurrently with the negative guests"
fi
expect_count "test guest: every check passed" "$TESTGUEST_CHECKS" '^testguest: PASS: [0-9]+ '
expect_not "test guest: no check failed" '^testguest: FAIL'
expect "test guest summary" "^testguest: $TESTGUEST_CHECKS passed, 0 failed$"
expect "test guest exit code 0 through port 0xf4" '^guest testguest: exited through port 0xf4 with code 0$'
expect "per-guest statistics table" '^Exit statistics: testguest$'
expect "CPUID row in the table (min, max, p50, p90, p99 last)" '^ +10  CPUID +[0-9]+ +[0-9]+\.[0-9]{2}% +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$'
expect "global statistics table" '^Exit statistics: all guests$'
expect "orderly end" '^Tally: all VMs have ended$'

# The other two leaf layouts of the course: the same checks through them.
for abi in spring21 fall22; do
	make_iso "abi-$abi" "cpuid_abi=$abi $PLATFORM_CMDLINE" "$G/testguest.elf" "guest name=testguest mem=16M abi=$abi"
	boot_platform "abi-$abi" 90
	expect "$abi: the guest uses that layout" "^testguest: CPUID statistics layout $abi$"
	expect "$abi: test guest summary" "^testguest: $TESTGUEST_CHECKS passed, 0 failed$"
	expect "$abi: orderly end" '^Tally: all VMs have ended$'
done
finish
