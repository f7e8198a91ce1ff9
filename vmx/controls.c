/* controls.c: pin/processor/exit/entry controls from the allowed-0/allowed-1 capability MSRs. */
#include <stddef.h>

#include "kernel/arch/x86.h"
#include "vmx/caps.h"
#include "vmx/controls.h"
#include "vmx/vmcs.h"

/* Intel SDM Vol. 2A, CPUID leaf 80000008H: EAX 7:0, the physical-address width. */
#define CPUID_LEAF_ADDRESS_SIZES 0x80000008u

/* SDM Vol. 3D, A.3-A.5: bits 31:0 of a control MSR are the allowed-0 settings (1 = must be 1),
 * bits 63:32 the allowed-1 settings (0 = must be 0). */
static void read_ctls(struct vmx_controls *must1, struct vmx_controls *may1)
{
	bool true_ctls = rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CTLS;
	uint64_t pin = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	uint64_t proc = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	uint64_t proc2 = (proc >> 32) & PROC_ACTIVATE_SECONDARY ? rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) : 0;
	uint64_t exit = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	uint64_t entry = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	*must1 = (struct vmx_controls){ .pin = (uint32_t)pin, .proc = (uint32_t)proc, .proc2 = (uint32_t)proc2,
					.exit = (uint32_t)exit, .entry = (uint32_t)entry };
	*may1 = (struct vmx_controls){ .pin = (uint32_t)(pin >> 32), .proc = (uint32_t)(proc >> 32),
				       .proc2 = (uint32_t)(proc2 >> 32), .exit = (uint32_t)(exit >> 32),
				       .entry = (uint32_t)(entry >> 32) };
}

void vmx_controls_allowed1(struct vmx_controls *may1)
{
	struct vmx_controls must1;
	read_ctls(&must1, may1);
}

const char *vmx_controls_missing(const struct vmx_controls *may1)
{
#define CHECK_ALLOWED(control, bit, name) \
	if (!(may1->control & (bit)))     \
		return name;
	VMX_REQUIRED_CONTROLS(CHECK_ALLOWED)
#undef CHECK_ALLOWED
	return NULL;
}

/* What the CPU requires, Tally's required controls, and the optional ones the CPU allows. */
static void choose_controls(struct vmx_controls *c, const struct vmx_controls *must1, const struct vmx_controls *may1)
{
	*c = *must1;
#define SET_REQUIRED(control, bit, name) c->control |= (bit);
	VMX_REQUIRED_CONTROLS(SET_REQUIRED)
#undef SET_REQUIRED
	c->proc2 |= PROC2_WBINVD_EXITING & may1->proc2; /* optional: without it WBINVD runs natively */
	c->entry &= ~ENTRY_IA32E_GUEST; /* guests start in 32-bit protected mode */
}

void vmx_controls_programmed(struct vmx_controls *c)
{
	struct vmx_controls must1, may1;
	read_ctls(&must1, &may1);
	choose_controls(c, &must1, &may1);
}

const char *vmx_controls_compute(struct vmx_controls *c)
{
	struct vmx_controls must1, may1;
	read_ctls(&must1, &may1);
	const char *missing = vmx_controls_missing(&may1);
	if (missing)
		return missing;
	choose_controls(c, &must1, &may1);
	c->vmcs_revision = (uint32_t)rdmsr(MSR_IA32_VMX_BASIC) & 0x7fffffff; /* SDM Vol. 3D, A.1 */
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	c->timer_shift = rdmsr(MSR_IA32_VMX_MISC) & 0x1f; /* SDM Vol. 3D, A.6 bits 4:0 */
	c->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	struct cpuid_regs r;
	cpuid(CPUID_LEAF_ADDRESS_SIZES, 0, &r);
	unsigned width = r.eax & 0xff;
	c->phys_reserved = width == 0 || width >= 64 ? 0 : ~((1ull << width) - 1);
	return NULL;
}

uint64_t vmx_cr0_fixup(const struct vmx_controls *c, uint64_t v)
{
	uint64_t must1 = c->cr0_fixed0 & ~(CR0_PE | CR0_PG);
	return (v | must1) & c->cr0_fixed1;
}

uint64_t vmx_cr4_fixup(const struct vmx_controls *c, uint64_t v)
{
	return (v | c->cr4_fixed0) & c->cr4_fixed1;
}
