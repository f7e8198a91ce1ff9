#!/usr/bin/env bash
# svm_apic.sh: vmx_apic_bochs.sh's local-APIC and ACPI guests under AMD SVM in QEMU TCG (-cpu max):
# the xAPIC page through nested page faults (counted as 48 EPT_VIOLATION), the x2APIC MSRs, IA32_APIC_BASE
# and IA32_TSC_DEADLINE through the MSR permission map, CR8 as the VMCB's V_TPR. The nine checks
# whose time bounds assume Bochs's costs may fail here (vmx_apic_bochs.sh names them); all others must pass.
PLATFORM=svm
. tests/boot/vmx_apic_bochs.sh
