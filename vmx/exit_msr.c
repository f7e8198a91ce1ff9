/* exit_msr.c: RDMSR/WRMSR exits (every MSR exits through the all-ones MSR bitmap). */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"

/* EFER bits a guest may write (LMA follows CR0.PG). */
#define EFER_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)

/* MSRs that live in VMCS guest-state fields. */
static const struct {
	uint32_t msr;
	uint32_t field;
} vmcs_msrs[] = {
	{ MSR_IA32_SYSENTER_CS, VMCS_GUEST_SYSENTER_CS },
	{ MSR_IA32_SYSENTER_ESP, VMCS_GUEST_SYSENTER_ESP },
	{ MSR_IA32_SYSENTER_EIP, VMCS_GUEST_SYSENTER_EIP },
	{ MSR_IA32_PAT, VMCS_GUEST_IA32_PAT },
	{ MSR_IA32_FS_BASE, VMCS_GUEST_ES_BASE + 2 * SEG_FS },
	{ MSR_IA32_GS_BASE, VMCS_GUEST_ES_BASE + 2 * SEG_GS },
	{ MSR_IA32_EFER, VMCS_GUEST_IA32_EFER },
};

static int vmcs_field_of(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(vmcs_msrs) / sizeof(vmcs_msrs[0]); i++)
		if (vmcs_msrs[i].msr == msr)
			return (int)vmcs_msrs[i].field;
	return -1;
}

static void unknown_msr(struct vcpu *v, const char *op, uint32_t msr)
{
	log_debug("guest %s: %s of unknown MSR 0x%x: #GP injected\n", v->name, op, msr);
	vmcs_inject_exception(VECTOR_GP, true, 0);
}

void handle_rdmsr(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint32_t msr = (uint32_t)vcpu_gpr(v, GPR_RCX);
	int field = vmcs_field_of(msr);
	uint64_t val;
	if (msr == MSR_IA32_TSC) {
		val = rdtsc() + vmcs_read(VMCS_TSC_OFFSET);
	} else if (msr == MSR_IA32_KERNEL_GS_BASE) {
		val = rdmsr(msr);
	} else if (field >= 0) {
		val = vmcs_read((uint32_t)field);
	} else {
		unknown_msr(v, "RDMSR", msr);
		return;
	}
	vcpu_set_gpr(v, GPR_RAX, (uint32_t)val);
	vcpu_set_gpr(v, GPR_RDX, val >> 32);
	vmcs_skip_instruction();
}

void handle_wrmsr(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint32_t msr = (uint32_t)vcpu_gpr(v, GPR_RCX);
	uint64_t val = (vcpu_gpr(v, GPR_RDX) << 32) | (uint32_t)vcpu_gpr(v, GPR_RAX);
	int field = vmcs_field_of(msr);
	if (msr == MSR_IA32_TSC) {
		vmcs_write(VMCS_TSC_OFFSET, val - rdtsc());
	} else if (msr == MSR_IA32_KERNEL_GS_BASE) {
		if ((uint64_t)(((int64_t)val << 16) >> 16) != val) { /* not canonical (48-bit): SDM Vol. 4 */
			vmcs_inject_exception(VECTOR_GP, true, 0);
			return;
		}
		wrmsr(msr, val);
	} else if (msr == MSR_IA32_EFER) {
		if (val & ~(EFER_WRITABLE | EFER_LMA)) {
			vmcs_inject_exception(VECTOR_GP, true, 0);
			return;
		}
		uint64_t lma = vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA;
		vmcs_write(VMCS_GUEST_IA32_EFER, (val & EFER_WRITABLE) | lma);
	} else if (field >= 0) {
		vmcs_write((uint32_t)field, val);
	} else {
		unknown_msr(v, "WRMSR", msr);
		return;
	}
	vmcs_skip_instruction();
}
