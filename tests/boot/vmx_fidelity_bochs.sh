#!/usr/bin/env bash
# vmx_fidelity_bochs.sh: under Bochs: the CPU-fidelity guest (guest/fidelity): writes a CPU refuses
# to CR0, CR3, CR4, EFER and MSRs raise #GP with RF set and the guest goes on (no failed VM entry),
# PAE paging runs on the PDPTEs Tally loads, single-step traps land after MOV SS and after an
# emulated CPUID, DR7 and a data watchpoint survive exits, CPUID hides what raises #UD; a second
# guest's task switch stops it alone, named. Bochs's CPU model: corei7_skylake_x (run-bochs.sh).
. tests/boot/lib.sh

G=build/guest
CHECKS=$(grep -c '^\s*check(' guest/fidelity/main.c)

make_iso fidelity "" \
	"$G/fidelity.elf" "guest name=fidelity mem=16M" \
	"$G/fidelity.elf" "guest name=tss mem=4M mode=taskswitch"
boot_bochs fidelity 300

expect_count "fidelity guest: every check passed" "$CHECKS" '^fidelity: PASS: [0-9]+ '
expect_not "fidelity guest: no check failed" '^fidelity: FAIL'
expect "fidelity guest summary" "^fidelity: $CHECKS passed, 0 failed$"
expect "fidelity guest exit code 0" '^guest fidelity: exited through port 0xf4 with code 0$'
expect_not "no VM entry failed" 'VM entry failed'
expect "a task switch stops its guest, named" \
	'^guest tss: stopped: task switch to TSS selector 0x0018 by JMP at RIP 0x[0-9a-f]+: hardware task switching is not emulated'
expect "... counted under TASK_SWITCH" '^ +9  TASK_SWITCH +1 '
expect_not "nothing after the task switch ran" '^tss: FAIL'
expect "orderly end" '^Tally: all VMs have ended$'
finish
