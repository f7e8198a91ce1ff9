#!/usr/bin/env bash
# vmx_qemu.sh: QEMU TCG without SVM (-cpu max,-svm) has neither VT-x nor AMD SVM: Tally says why
# for both, starts no guest, and still ends in order. (With SVM: svm_guests.sh and the others.)
. tests/boot/lib.sh

make_iso noguests "" build/guest/testguest.elf "guest name=testguest mem=16M"
boot_qemu noguests 60 -cpu max,-svm
expect "the banner says SVM is unusable, and why" '^SVM: unusable: CPUID\.80000001h:ECX\.SVM is 0 '
expect "guests are skipped with both reasons" \
	'^VMX: 1 guest module\(s\) not started: VMX unavailable: CPUID\.1:ECX\.VMX is 0 .*; SVM unavailable: CPUID\.80000001h:ECX\.SVM is 0 '
expect_not "no guest ran" '^guest testguest: starting'
expect "orderly end" '^Tally: all VMs have ended$'
finish
