#!/usr/bin/env bash
# vmx_apic_bochs.sh: under Bochs: the local-APIC and ACPI guest (guest/apic): IA32_APIC_BASE and its
# mode transitions, xAPIC registers through the page at 0xfee00000 (EPT violations and decoded MOVs),
# x2APIC MSRs with their #GP rules, TPR/PPR, self-IPIs, priorities and EOI, the timer in one-shot,
# periodic and TSC-deadline modes (counts bounded by the programmed values and the TSC), the ACPI
# tables and the PM timer's rate; two more instances reset through the FADT's reset register (0xcf9)
# and power off through S5. The APIC and ACPI are Tally's emulation; Bochs's CPU model
# (corei7_skylake_x, run-bochs.sh) gives only the TSC rate and MAXPHYADDR the checks rely on.
. tests/boot/lib.sh

G=build/guest
CHECKS=$(grep -c '^\s*check(\|^\s*if (!check(' guest/apic/main.c)

make_iso apic "" \
	"$G/apic.elf" "guest name=apic mem=16M" \
	"$G/apic.elf" "guest name=apicrst mem=4M mode=reset" \
	"$G/apic.elf" "guest name=apicoff mem=4M mode=poweroff"
boot_bochs apic 300

expect_count "apic guest: every check passed" "$CHECKS" '^apic: PASS: [0-9]+ '
expect_not "apic guest: no check failed" '^apic: FAIL'
expect "apic guest summary" "^apic: $CHECKS passed, 0 failed$"
expect "apic guest exit code 0" '^guest apic: exited through port 0xf4 with code 0$'
expect "the xAPIC page is reached through EPT violations" '^ +48  EPT_VIOLATION +[0-9]+ '
expect "the FADT's reset register (0xcf9) ends its guest as a reset" \
	'^guest apicrst: reset requested through port 0xcf9 \(hard reset\); stopped$'
expect_not "... the reset guest found its tables" '^apicrst: FAIL'
expect "S5 through PM1a control powers its guest off" \
	'^guest apicoff: powered off through ACPI \(S5 in PM1a control\); stopped$'
expect_not "... the power-off guest found its tables" '^apicoff: FAIL'
expect_not "no VM entry failed" 'VM entry failed'
expect "orderly end" '^Tally: all VMs have ended$'
finish
