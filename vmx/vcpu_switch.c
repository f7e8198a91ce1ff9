/* vcpu_switch.c: switching the CPU between vCPUs: VMPTRLD, the host-stack word, XCR0. */
#include "kernel/arch/x86.h"
#include "vmx/vcpu_switch.h"
#include "vmx/vmcs.h"
#include "vmx/vmxon.h"

static struct vcpu *current;

/* The exit stub finds the guest's register block through the word at the host RSP (VMCS host
 * RSP = stack top - 16, see vmcs_setup.c): one host stack, so the word follows the vCPU. */
static void point_host_stack(struct vcpu *v)
{
	*(uint64_t *)(uintptr_t)(vmx_host_stack_top() - 16) = (uintptr_t)&v->regs;
}

static void save_state(struct vcpu *v)
{
	(void)v;
}

static void load_state(struct vcpu *v)
{
	if (read_cr4() & CR4_OSXSAVE)
		xsetbv(0, v->xcr0);
}

int vcpu_switch_to(struct vcpu *v)
{
	if (current == v)
		return 0;
	enum vmx_status st = vmptrld((uintptr_t)v->vmcs);
	if (st != VMX_OK) {
		vcpu_stop(v, "VMPTRLD failed (%s)", st == VMX_FAIL_INVALID ? "VMfailInvalid" :
			  vmcs_instruction_error_name(vmcs_read(VMCS_VM_INSTRUCTION_ERROR)));
		return -1;
	}
	if (current)
		save_state(current);
	load_state(v);
	point_host_stack(v);
	current = v;
	return 0;
}

void vcpu_switch_forget(struct vcpu *v)
{
	if (current == v)
		current = NULL;
}
