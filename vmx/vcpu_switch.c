/* vcpu_switch.c: switching the CPU between vCPUs: VMPTRLD, the host-stack word, and the guest CPU
 * state the VMCS does not hold (XSAVE area, XCR0, CR2, DR0-DR3, DR6, IA32_KERNEL_GS_BASE, the SYSCALL MSRs). */
#include <string.h>

#include "kernel/arch/x86.h"
#include "kernel/mm/mm.h"
#include "vmx/backend.h"
#include "vmx/svm/svm.h"
#include "vmx/vcpu_switch.h"
#include "vmx/vmcs.h"
#include "vmx/vmxon.h"


#define DR6_INIT 0xffff0ff0ull /* SDM Vol. 3B, 17.2.3: DR6 after reset */
/* SDM Vol. 1, 10.5.1, Table 10-2: FXSAVE/legacy XSAVE area offsets, and the reset values. */
#define FPU_FCW 0
#define FPU_MXCSR 24
#define FCW_INIT 0x37f
#define MXCSR_INIT 0x1f80

#define CPUID_LEAF_XSAVE 0xd

static struct vcpu *current;
/* Every XCR0 component the CPU has (CPUID.(0xD,0):EDX:EAX), 0 to use FXSAVE: a guest may use SSE
 * without enabling it in XCR0, so the switch saves and restores under the full mask. */
static uint64_t xsave_mask;

/* The exit stub finds the guest's register block through the word at the host RSP (VMCS host
 * RSP = stack top - 16, see vmcs_setup.c): one host stack, so the word follows the vCPU. */
static void point_host_stack(struct vcpu *v)
{
	*(uint64_t *)(uintptr_t)(vmx_host_stack_top() - 16) = (uintptr_t)&v->regs;
}

/* Tally itself never touches FPU/SSE state (-mgeneral-regs-only), so a guest's stays in the CPU
 * until another vCPU is switched in. XSAVE runs under the outgoing guest's XCR0. */
static void save_state(struct vcpu *v)
{
	struct vcpu_cpu_state *c = &v->cpu;
	if (xsave_mask) {
		c->xcr0 = xgetbv(0); /* the guest's: a CPU that does not intercept XSETBV let it set it itself */
		xsetbv(0, xsave_mask);
		xsave_all(c->fpu);
	} else {
		fxsave(c->fpu);
	}
	c->cr2 = read_cr2();
	c->dr[0] = read_dr(0);
	c->dr[1] = read_dr(1);
	c->dr[2] = read_dr(2);
	c->dr[3] = read_dr(3);
	c->dr6 = read_dr(6);
	if (backend == BACKEND_SVM)
		return; /* the rest is in the VMCB: VMLOAD/VMSAVE around every run (vmx/svm/svm_entry.asm) */
	c->kernel_gs_base = rdmsr(MSR_IA32_KERNEL_GS_BASE);
	for (unsigned i = 0; i < VCPU_SYSCALL_MSRS; i++)
		c->syscall_msr[i] = rdmsr(MSR_IA32_STAR + i);
}

static void load_state(struct vcpu *v)
{
	const struct vcpu_cpu_state *c = &v->cpu;
	if (xsave_mask) {
		xsetbv(0, xsave_mask);
		xrstor_all(c->fpu);
		xsetbv(0, c->xcr0);
	} else {
		fxrstor(c->fpu);
	}
	write_cr2(c->cr2);
	write_dr(0, c->dr[0]);
	write_dr(1, c->dr[1]);
	write_dr(2, c->dr[2]);
	write_dr(3, c->dr[3]);
	write_dr(6, c->dr6);
	if (backend == BACKEND_SVM)
		return;
	wrmsr(MSR_IA32_KERNEL_GS_BASE, c->kernel_gs_base);
	for (unsigned i = 0; i < VCPU_SYSCALL_MSRS; i++)
		wrmsr(MSR_IA32_STAR + i, c->syscall_msr[i]);
}

/* CR4.OSXSAVE is set by vmx_enable when the CPU has XSAVE; an area beyond one page means FXSAVE
 * (x87 and SSE only). */
static void choose_save_mask(void)
{
	struct cpuid_regs r;
	xsave_mask = 0;
	if (!(read_cr4() & CR4_OSXSAVE))
		return;
	cpuid(CPUID_LEAF_XSAVE, 0, &r);
	if (r.ecx <= PAGE_SIZE)
		xsave_mask = ((uint64_t)r.edx << 32) | r.eax;
}

int vcpu_cpu_state_init(struct vcpu *v)
{
	struct vcpu_cpu_state *c = &v->cpu;
	choose_save_mask();
	memset(c, 0, sizeof(*c));
	c->xcr0 = XCR0_X87;
	c->dr6 = DR6_INIT;
	c->mtrr_def_type = MTRR_DEF_TYPE_INIT;
	c->fpu = page_alloc_zeroed(1); /* the XSAVE header (bytes 512-575) zero: every component in reset state */
	if (!c->fpu)
		return -1;
	*(uint16_t *)((uint8_t *)c->fpu + FPU_FCW) = FCW_INIT;
	*(uint32_t *)((uint8_t *)c->fpu + FPU_MXCSR) = MXCSR_INIT;
	return 0;
}

void vcpu_cpu_state_free(struct vcpu *v)
{
	if (v->cpu.fpu)
		page_free(v->cpu.fpu, 1);
	v->cpu.fpu = NULL;
}

int vcpu_switch_to(struct vcpu *v)
{
	if (current == v)
		return 0;
	if (backend == BACKEND_SVM) {
		svm_make_current(v);
		if (current)
			save_state(current);
		load_state(v);
		current = v;
		return 0;
	}
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
