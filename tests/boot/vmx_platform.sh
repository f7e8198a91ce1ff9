#!/usr/bin/env bash
# vmx_platform.sh: under Bochs (or AMD SVM in QEMU TCG: svm_platform.sh): the platform test guest takes PIT interrupts through the PIC with HLT
# between them, reads the RTC, drives the 16550A with interrupts and REP OUTSB, and ends through
# port 0xf4; a second guest's reset request through the i8042 ends it alone with one line.
. tests/boot/lib.sh

G=build/guest
CHECKS=18

make_iso platform "$PLATFORM_CMDLINE" \
	"$G/platform.elf" "guest name=platform mem=8M" \
	"$G/platform.elf" "guest name=reset mem=4M mode=reset"
boot_platform platform 400

expect_count "platform guest: every check passed" "$CHECKS" '^platform: PASS: [0-9]+ '
expect_not "platform guest: no check failed" '^platform: FAIL'
expect "timer interrupts between HLTs" '^platform: PASS: [0-9]+ 20 timer interrupts with a HLT before each \(20 HLT exits\)$'
expect "interrupt-driven send through THRE" '^platform: irq-tx: sent by THRE interrupts$'
expect "REP OUTSB to COM1" '^platform: rep-outsb: 0123456789$'
expect "platform guest summary" "^platform: $CHECKS passed, 0 failed$"
expect "platform guest exit code 0" '^guest platform: exited through port 0xf4 with code 0$'
expect "i8042 reset request ends its guest with one line" '^guest reset: reset requested through i8042 command 0xfe; stopped$'
expect_not "nothing after the reset request ran" '^reset: FAIL'
expect "INTERRUPT_WINDOW or HLT rows counted" '^ +12  HLT +[0-9]+ '
expect "orderly end" '^Tally: all VMs have ended$'
finish
