/* exit_msr.c: RDMSR/WRMSR exits (every MSR exits through the all-ones MSR bitmap). */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"

/* EFER bits a guest may write (LMA follows CR0.PG). */
#define EFER_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)
/* SDM Vol. 4, Table 2-2, IA32_MISC_ENABLE: fast strings on, BTS and PEBS unavailable. */
#define MISC_ENABLE_VALUE ((1ull << 0) | (1ull << 11) | (1ull << 12))
/* SDM Vol. 3A, 12.11.1: IA32_MTRRCAP: no variable ranges, no fixed ranges, no WC, no SMRR. */
#define MTRRCAP_VALUE 0ull
/* SDM Vol. 3A, 12.11.2.1: IA32_MTRR_DEF_TYPE: type (7:0), FE (10), E (11); types 0,1,4,5,6. */
#define MTRR_DEF_TYPE_BITS 0xcffull
#define MTRR_TYPE_VALID(t) ((t) == 0 || (t) == 1 || (t) == 4 || (t) == 5 || (t) == 6)

static bool canonical(uint64_t val)
{
	return (uint64_t)(((int64_t)val << 16) >> 16) == val; /* 48-bit: SDM Vol. 1, 3.3.7.1 */
}

/* SDM Vol. 3A, 13.12.2: each PAT byte is a memory type: 0, 1, 4, 5, 6 or 7 (2, 3 and bits 7:3 reserved). */
static bool pat_valid(uint64_t val)
{
	for (int i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(val >> (8 * i));
		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/* The VMCS-held MSRs' rules (SDM Vol. 4, Table 2-2; Vol. 3C, 27.3.1.1 checks them at entry):
 * addresses canonical, PAT types valid. False: #GP. */
static bool vmcs_msr_valid(uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_IA32_PAT: return pat_valid(val);
	case MSR_IA32_FS_BASE:
	case MSR_IA32_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP: return canonical(val);
	}
	return true;
}

static bool is_syscall_msr(uint32_t msr)
{
	return msr >= MSR_IA32_STAR && msr <= MSR_IA32_FMASK;
}

/* MSRs Tally answers itself: true and *val, or false when it is not one of them. */
static bool emulated_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_IA32_UCODE_REV: *val = 0; return true; /* no microcode update is visible */
	case MSR_IA32_MISC_ENABLE: *val = MISC_ENABLE_VALUE; return true;
	case MSR_IA32_MTRRCAP: *val = MTRRCAP_VALUE; return true;
	case MSR_IA32_MTRR_DEF_TYPE: *val = v->cpu.mtrr_def_type; return true;
	}
	return false;
}

/* 1: written, 0: not one of them, -1: #GP (a reserved bit or a read-only MSR). */
static int emulated_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_IA32_UCODE_REV: return 1;    /* Linux writes 0 before reading the revision */
	case MSR_IA32_MISC_ENABLE: return 1;  /* the bits Linux may toggle change nothing here */
	case MSR_IA32_MTRRCAP: return -1;     /* read-only */
	case MSR_IA32_MTRR_DEF_TYPE:
		if ((val & ~MTRR_DEF_TYPE_BITS) || !MTRR_TYPE_VALID(val & 0xff))
			return -1;
		v->cpu.mtrr_def_type = val;
		return 1;
	}
	return 0;
}

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
	} else if (msr == MSR_IA32_KERNEL_GS_BASE || is_syscall_msr(msr)) {
		val = rdmsr(msr); /* the vCPU's own: vcpu_switch.c keeps them in the CPU while it runs */
	} else if (field >= 0) {
		val = vmcs_read((uint32_t)field);
	} else if (!emulated_read(v, msr, &val)) {
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
	} else if (msr == MSR_IA32_KERNEL_GS_BASE || msr == MSR_IA32_LSTAR || msr == MSR_IA32_CSTAR) {
		if (!canonical(val)) { /* SDM Vol. 4: #GP for a non-canonical address */
			vmcs_inject_exception(VECTOR_GP, true, 0);
			return;
		}
		wrmsr(msr, val);
	} else if (msr == MSR_IA32_STAR || msr == MSR_IA32_FMASK) {
		wrmsr(msr, msr == MSR_IA32_FMASK ? (uint32_t)val : val); /* FMASK bits 63:32 are reserved (read 0) */
	} else if (msr == MSR_IA32_EFER) {
		uint64_t old = vmcs_read(VMCS_GUEST_IA32_EFER);
		bool paging = vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_PG;
		/* SDM Vol. 3A, 10.8.5: LME changes only while paging is off; LMA is the CPU's, not written */
		if ((val & ~(EFER_WRITABLE | EFER_LMA)) || (paging && ((val ^ old) & EFER_LME))) {
			vmcs_inject_exception(VECTOR_GP, true, 0);
			return;
		}
		vmcs_write(VMCS_GUEST_IA32_EFER, (val & EFER_WRITABLE) | (old & EFER_LMA));
	} else if (field >= 0) {
		if (!vmcs_msr_valid(msr, val)) {
			vmcs_inject_exception(VECTOR_GP, true, 0);
			return;
		}
		vmcs_write((uint32_t)field, val);
	} else {
		int r = emulated_write(v, msr, val);
		if (r < 0) {
			vmcs_inject_exception(VECTOR_GP, true, 0);
			return;
		}
		if (r == 0) {
			unknown_msr(v, "WRMSR", msr);
			return;
		}
	}
	vmcs_skip_instruction();
}
