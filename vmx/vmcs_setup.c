/* vmcs_setup.c: a guest's VMCS: host state from the real GDT/TSS/IDT, controls, start state. */
#include <string.h>

#include "kernel/arch/gdt.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "vmx/caps.h"
#include "vmx/guest_start.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmxon.h"

static void setup_host_state(void)
{
	struct descriptor_ptr idt;
	sidt(&idt);
	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, read_cr3());
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	vmcs_write(VMCS_HOST_CS_SELECTOR, GDT_KERNEL_CS);
	vmcs_write(VMCS_HOST_SS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(VMCS_HOST_DS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(VMCS_HOST_ES_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_TR_SELECTOR, GDT_TSS);
	vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_IA32_FS_BASE));
	vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_IA32_GS_BASE));
	vmcs_write(VMCS_HOST_TR_BASE, tss_base());
	vmcs_write(VMCS_HOST_GDTR_BASE, gdt_base());
	vmcs_write(VMCS_HOST_IDTR_BASE, idt.base);
	vmcs_write(VMCS_HOST_SYSENTER_CS, 0);
	vmcs_write(VMCS_HOST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_HOST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(VMCS_HOST_RIP, (uintptr_t)vmx_exit_stub);
}

/* The exit stub finds the guest's register block through the word at the host RSP. */
static void setup_host_stack(struct vcpu *v)
{
	uint64_t rsp = vmx_host_stack_top() - 16;
	*(uint64_t *)(uintptr_t)rsp = (uintptr_t)&v->regs;
	vmcs_write(VMCS_HOST_RSP, rsp);
}

static void setup_controls(struct vcpu *v, uint64_t quantum_us)
{
	const struct vmx_controls *c = v->ctl;
	vmcs_write(VMCS_PIN_CONTROLS, c->pin);
	vmcs_write(VMCS_PROC_CONTROLS, c->proc);
	v->proc_controls = c->proc;
	vmcs_write(VMCS_PROC2_CONTROLS, c->proc2);
	vmcs_write(VMCS_EXIT_CONTROLS, c->exit);
	vmcs_write(VMCS_ENTRY_CONTROLS, c->entry);
	vmcs_write(VMCS_EXCEPTION_BITMAP, 0);
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_MSR_BITMAP, (uintptr_t)v->msr_bitmap);
	vmcs_write(VMCS_EPT_POINTER, v->mem.eptp);
	vmcs_write(VMCS_VPID, v->vpid);
	vmcs_write(VMCS_TSC_OFFSET, 0);
	/* Tally owns every CR0/CR4 bit: each guest write exits, reads come from the shadows. */
	vmcs_write(VMCS_CR0_GUEST_HOST_MASK, ~0ull);
	vmcs_write(VMCS_CR4_GUEST_HOST_MASK, ~0ull);
	/* SDM Vol. 3C, 26.5.1: the timer counts down at TSC >> shift; without "save timer value"
	 * every entry restarts it from this field, so it ends a quantum only for a guest that does
	 * not exit; vcpu_run checks the quantum on the other exits. */
	uint64_t ticks = tsc_ns_to_cycles(quantum_us * 1000) >> c->timer_shift;
	v->timer_value = ticks > 0xffffffffu ? 0xffffffffu : ticks ?: 1;
	vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, v->timer_value);
	vmcs_write(VMCS_LINK_POINTER, ~0ull);
}

void vmcs_set_guest_cr0(struct vcpu *v, uint64_t view)
{
	uint64_t efer = vmcs_read(VMCS_GUEST_IA32_EFER);
	uint32_t entry = (uint32_t)vmcs_read(VMCS_ENTRY_CONTROLS) & ~ENTRY_IA32E_GUEST;
	if ((view & CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= ENTRY_IA32E_GUEST;
	} else {
		efer &= ~EFER_LMA;
	}
	vmcs_write(VMCS_GUEST_IA32_EFER, efer);
	vmcs_write(VMCS_ENTRY_CONTROLS, entry);
	vmcs_write(VMCS_CR0_READ_SHADOW, view);
	vmcs_write(VMCS_GUEST_CR0, vmx_cr0_fixup(v->ctl, view));
}

void vmcs_set_guest_cr4(struct vcpu *v, uint64_t view)
{
	vmcs_write(VMCS_CR4_READ_SHADOW, view);
	vmcs_write(VMCS_GUEST_CR4, vmx_cr4_fixup(v->ctl, view));
}

int vmcs_setup(struct vcpu *v, const struct guest_boot *boot, uint64_t quantum_us)
{
	uint32_t *vmcs = page_alloc_zeroed(1);
	uint8_t *bitmap = page_alloc_zeroed(1);
	if (!vmcs || !bitmap) {
		kprintf("guest %s: not started: out of memory for the VMCS\n", v->name);
		if (vmcs)
			page_free(vmcs, 1);
		if (bitmap)
			page_free(bitmap, 1);
		return -1;
	}
	/* SDM Vol. 3C, 25.6.9: a set bit makes RDMSR/WRMSR of that MSR exit: all of them do. */
	memset(bitmap, 0xff, PAGE_SIZE);
	vmcs[0] = v->ctl->vmcs_revision; /* SDM Vol. 3C, 25.2 */
	v->vmcs = vmcs;
	v->msr_bitmap = bitmap;
	enum vmx_status st;
	if ((st = vmclear((uintptr_t)vmcs)) != VMX_OK || (st = vmptrld((uintptr_t)vmcs)) != VMX_OK) {
		kprintf("guest %s: not started: VMCLEAR/VMPTRLD failed (%s)\n", v->name,
			st == VMX_FAIL_INVALID ? "VMfailInvalid" : vmcs_instruction_error_name(vmcs_read(VMCS_VM_INSTRUCTION_ERROR)));
		vmcs_teardown(v);
		return -1;
	}
	setup_host_state();
	setup_host_stack(v);
	setup_controls(v, quantum_us);
	guest_start_state(v, boot);
	return 0;
}

void vmcs_teardown(struct vcpu *v)
{
	if (v->vmcs && vmclear((uintptr_t)v->vmcs) != VMX_OK)
		kprintf("guest %s: VMCLEAR at teardown failed\n", v->name);
	if (v->vmcs)
		page_free(v->vmcs, 1);
	if (v->msr_bitmap)
		page_free(v->msr_bitmap, 1);
	v->vmcs = v->msr_bitmap = NULL;
}
