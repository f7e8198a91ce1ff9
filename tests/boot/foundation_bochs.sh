#!/usr/bin/env bash
# foundation_bochs.sh: the banner under Bochs, whose CPU model emulates VT-x.
. tests/boot/lib.sh

make_iso banner ""
boot_bochs banner 120
expect "banner" '^Tally [0-9a-f]+.*: a type-1 hypervisor for measuring virtualization$'
expect "Intel CPU model" '^CPU: GenuineIntel family 0x6 '
expect "Bochs's CPUID TSC claim is not trusted" "^TSC: [0-9]+\.[0-9]{3} MHz \(PIT calibration\)$"
expect "VMX usable" '^VMX: usable$'
expect "VMX capabilities found" '^VMX: IA32_FEATURE_CONTROL lock=1 vmxon-outside-smx=1; EPT yes, VPID yes, unrestricted guest yes, preemption timer yes; VMCS revision 0x[0-9a-f]+$'
expect "orderly end (Bochs shutdown port)" '^Tally: all VMs have ended$'
finish
