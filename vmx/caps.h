/* caps.h: what the CPU offers of VT-x, read from CPUID and the VMX capability MSRs. */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* Intel SDM Vol. 3D, App. A: capability MSRs. */
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490
#define MSR_IA32_VMX_VMCS_ENUM 0x48a
#define MSR_IA32_VMX_VMFUNC 0x491
#define MSR_IA32_VMX_PROCBASED_CTLS3 0x492
#define MSR_IA32_VMX_EXIT_CTLS2 0x493

#define VMX_BASIC_TRUE_CTLS (1ull << 55)
#define FEATURE_CONTROL_LOCK (1ull << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ull << 2)

#define CPUID_1_ECX_VMX (1u << 5)

/* SDM Vol. 3D, A.10: IA32_VMX_EPT_VPID_CAP bits Tally needs, and those it uses when offered
 * (vmx/ept.c: INVEPT and INVVPID of all contexts). */
#define EPT_CAP_WALK_4 (1ull << 6)
#define EPT_CAP_WB (1ull << 14)
#define EPT_CAP_INVEPT (1ull << 20)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define EPT_CAP_INVVPID (1ull << 32)
#define EPT_CAP_INVVPID_ALL (1ull << 42)
#define EPT_CAPS_NEEDED (EPT_CAP_WALK_4 | EPT_CAP_WB)
#define EPT_CAPS_USED (EPT_CAP_INVEPT | EPT_CAP_INVEPT_ALL | EPT_CAP_INVVPID | EPT_CAP_INVVPID_ALL)

struct vmx_caps {
	bool usable;          /* everything Tally needs is there and VMXON is allowed */
	const char *why_not;  /* when !usable: the first reason, in words */
	bool cpu_has_vmx, feature_control_locked, feature_control_vmxon;
	bool ept, vpid, unrestricted_guest, preemption_timer;
	uint64_t basic, ept_vpid_cap;
};

/* Reads CPUID and the capability MSRs without changing anything. */
void vmx_caps_probe(struct vmx_caps *c);

#endif
