#!/usr/bin/env bash
# vmx_isolation.sh: under Bochs (or AMD SVM in QEMU TCG: svm_isolation.sh): guests are isolated from each other and from Tally. Two marks
# guests run at once and a third after them: each finds CR2, DR0-DR3, DR6, DR7, XMM0, MXCSR, the
# x87 control word and IA32_KERNEL_GS_BASE at their reset values, keeps its own marks across yields,
# gets #GP from RDPMC; control bytes in guest output appear escaped. A 64-bit guest sets CR8=15 and
# ends; Tally's idle timer still wakes it while m3 halts alone (a host TPR of 15 would hang it).
. tests/boot/lib.sh

G=build/guest
CHECKS=4
line_of() { tr -d '\r' <"$1" | grep -nE -- "$2" | cut -d: -f1 | head -n1; }

make_iso isolation "$PLATFORM_CMDLINE" \
	"$G/negative-marks.elf" "guest name=m1 mem=4M mark=1" \
	"$G/negative-marks.elf" "guest name=m2 mem=4M mark=2" \
	"$G/negative-cr8.elf" "guest name=cr8 mem=4M" \
	"$G/negative-marks.elf" "guest name=m3 mem=4M mark=3 wait=200"
boot_platform isolation 120
L=$last_log

for g in m1 m2 m3; do
	expect "$g: reset values, its marks kept, RDPMC #GP, no counters" "^$g: $CHECKS passed, 0 failed$"
	expect "$g: exit code 0" "^guest $g: exited through port 0xf4 with code 0$"
done
expect_not "no check failed" '^m[123]: FAIL'
m1_end=$(line_of "$L" '^guest m1: exited') m2_end=$(line_of "$L" '^guest m2: exited')
m3_found=$(line_of "$L" '^m3: found: ')
m2_found=$(line_of "$L" '^m2: found: ') m1_kept=$(line_of "$L" '^m1: kept: ')
if [ -n "$m2_found" ] && [ -n "$m1_kept" ] && [ "$m2_found" -lt "$m1_kept" ]; then
	pass "m1 and m2 ran at once (m2 looked before m1 checked its marks)"
else
	fail "m1 and m2 did not overlap"
fi
if [ -n "$m3_found" ] && [ -n "$m1_end" ] && [ -n "$m2_end" ] && [ "$m3_found" -gt "$m1_end" ] && [ "$m3_found" -gt "$m2_end" ]; then
	pass "m3 looked after m1 and m2 had ended: the next guest finds no marks"
else
	fail "m3 did not look after m1 and m2 ended"
fi
expect "control bytes are escaped in prefixed guest output" '^m1: controls: \[\\x1b\[31m\] \[\\x07\] \[\\x08\] \[\\x00\] \[\\x7f\] end$'
expect_not "no raw escape byte reaches the console from a guest" $'^m[123]: .*[\x1b\x07]'
expect "the 64-bit guest set CR8=15 and read 15 back (its own virtual TPR)" '^guest cr8: exited through port 0xf4 with code 0$'
cr8_end=$(line_of "$L" '^guest cr8: exited') m3_end=$(line_of "$L" '^guest m3: exited')
if [ -n "$cr8_end" ] && [ -n "$m3_end" ] && [ "$cr8_end" -lt "$m3_end" ]; then
	pass "after CR8=15 Tally still idles and wakes (m3 halted alone and finished)"
else
	fail "Tally did not go on after the CR8 guest"
fi
expect "orderly end" '^Tally: all VMs have ended$'
finish
