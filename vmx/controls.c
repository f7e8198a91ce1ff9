/* controls.c: pin/processor/exit/entry controls from the allowed-0/allowed-1 capability MSRs. */
#include <stddef.h>

#include "kernel/arch/x86.h"
#include "vmx/caps.h"
#include "vmx/controls.h"
#include "vmx/vmcs.h"

struct control_bit {
	uint32_t bit;
	const char *name;
};

/* Everything Tally sets, by name, so a CPU that lacks one is told what is missing. */
static const struct control_bit pin_required[] = {
	{ PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting" },
	{ PIN_PREEMPTION_TIMER, "VMX preemption timer" },
	{ 0, NULL },
};
static const struct control_bit proc_required[] = {
	{ PROC_HLT_EXITING, "HLT exiting" },
	{ PROC_RDPMC_EXITING, "RDPMC exiting" },
	{ PROC_CR8_LOAD_EXITING, "CR8-load exiting" },
	{ PROC_CR8_STORE_EXITING, "CR8-store exiting" },
	{ PROC_UNCONDITIONAL_IO_EXITING, "unconditional I/O exiting" },
	{ PROC_USE_MSR_BITMAPS, "MSR bitmaps" },
	{ PROC_ACTIVATE_SECONDARY, "secondary processor-based controls" },
	{ 0, NULL },
};
static const struct control_bit proc2_required[] = {
	{ PROC2_ENABLE_EPT, "EPT" },
	{ PROC2_ENABLE_VPID, "VPID" },
	{ PROC2_UNRESTRICTED_GUEST, "unrestricted guest" },
	{ 0, NULL },
};
static const struct control_bit exit_required[] = {
	{ EXIT_SAVE_DEBUG_CONTROLS, "save debug controls" },
	{ EXIT_HOST_ADDRESS_SPACE_64, "host address-space size (64-bit host)" },
	{ EXIT_ACK_INTERRUPT, "acknowledge interrupt on exit" },
	{ EXIT_SAVE_EFER, "save IA32_EFER on exit" },
	{ EXIT_LOAD_EFER, "load IA32_EFER on exit" },
	{ EXIT_SAVE_PAT, "save IA32_PAT on exit" },
	{ EXIT_LOAD_PAT, "load IA32_PAT on exit" },
	{ 0, NULL },
};
static const struct control_bit entry_required[] = {
	{ ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls" },
	{ ENTRY_LOAD_EFER, "load IA32_EFER on entry" },
	{ ENTRY_LOAD_PAT, "load IA32_PAT on entry" },
	{ 0, NULL },
};

/* SDM Vol. 3D, A.3-A.5: bits 31:0 of a control MSR are the allowed-0 settings (1 = must be 1),
 * bits 63:32 the allowed-1 settings (0 = must be 0). */
static const char *adjust(uint32_t msr, const struct control_bit *req, uint32_t optional, uint32_t *out)
{
	uint64_t caps = rdmsr(msr);
	uint32_t must1 = (uint32_t)caps, may1 = (uint32_t)(caps >> 32), want = 0;
	for (const struct control_bit *b = req; b->name; b++) {
		if (!(may1 & b->bit))
			return b->name;
		want |= b->bit;
	}
	*out = want | (optional & may1) | must1;
	return NULL;
}

const char *vmx_controls_compute(struct vmx_controls *c)
{
	uint64_t basic = rdmsr(MSR_IA32_VMX_BASIC);
	bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	const char *missing;
	c->vmcs_revision = (uint32_t)basic & 0x7fffffff; /* SDM Vol. 3D, A.1 */
	if ((missing = adjust(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
			      pin_required, 0, &c->pin)) ||
	    (missing = adjust(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
			      proc_required, 0, &c->proc)) ||
	    (missing = adjust(MSR_IA32_VMX_PROCBASED_CTLS2, proc2_required, PROC2_WBINVD_EXITING, &c->proc2)) ||
	    (missing = adjust(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS, exit_required, 0,
			      &c->exit)) ||
	    (missing = adjust(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS, entry_required,
			      0, &c->entry)))
		return missing;
	c->entry &= ~ENTRY_IA32E_GUEST; /* guests start in 32-bit protected mode */
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	c->timer_shift = rdmsr(MSR_IA32_VMX_MISC) & 0x1f; /* SDM Vol. 3D, A.6 bits 4:0 */
	c->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
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
