/* vmxon.c: entering VMX root operation: IA32_FEATURE_CONTROL, CR0/CR4 fixed bits, VMXON region. */
#include <stdbool.h>

#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "vmx/backend.h"
#include "vmx/caps.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmxon.h"

#define HOST_STACK_PAGES 4

static bool vmx_on;
static uint8_t *host_stack;

/* SDM Vol. 3C, 24.7: VMXON needs the lock bit and "VMXON outside SMX"; firmware may have locked
 * the MSR already, and then only the firmware setup can change it. */
static int feature_control_enable(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & FEATURE_CONTROL_LOCK)) {
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
		return 0;
	}
	if (fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)
		return 0;
	log_err("VMX: IA32_FEATURE_CONTROL is locked with VMXON disabled: enable VT-x in the firmware setup\n");
	return -1;
}

int vmx_enable(const struct vmx_controls *c)
{
	if (vmx_on)
		return 0;
	if (feature_control_enable() < 0)
		return -1;
	backend_host_enable_xsave();
	/* SDM Vol. 3C, 24.8: CR0 and CR4 must honour the fixed bits before VMXON (CR4.VMXE is one). */
	write_cr0((read_cr0() | c->cr0_fixed0) & c->cr0_fixed1);
	write_cr4((read_cr4() | CR4_VMXE | c->cr4_fixed0) & c->cr4_fixed1);
	uint32_t *region = page_alloc_zeroed(1);
	host_stack = page_alloc_zeroed(HOST_STACK_PAGES);
	if (!region || !host_stack) {
		log_err("VMX: out of memory for the VMXON region and host stack\n");
		return -1;
	}
	region[0] = c->vmcs_revision; /* SDM Vol. 3C, 25.11.5 */
	enum vmx_status st = vmxon((uintptr_t)region);
	if (st != VMX_OK) {
		log_err("VMX: VMXON failed (%s)\n", st == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid");
		return -1;
	}
	vmx_on = true;
	return 0;
}

uint64_t vmx_host_stack_top(void)
{
	return (uintptr_t)host_stack + HOST_STACK_PAGES * PAGE_SIZE;
}
