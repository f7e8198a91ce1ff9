/* exit_msr.c: RDMSR/WRMSR exits (every MSR exits through the all-ones MSR bitmap): THE table of the MSRs a guest has. */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/exit_apic.h"
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
#define NO_FIELD 0
#define MSR_IA32_TSC_DEADLINE 0x6e0 /* SDM Vol. 3A, 11.5.4.1 */

/*
 * X(name, VMCS field or NO_FIELD, read, write): every MSR a guest may read or write, once. Any
 * other raises #GP. read_<r> fills the value; write_<w> returns false for a value the CPU refuses
 * (#GP, SDM Vol. 4 and Vol. 3C 27.3.1.1's entry checks), so no guest write can fail a VM entry.
 *   cpu       the vCPU's own value in the CPU (vcpu_switch.c keeps it there while it runs)
 *   vmcs      a VMCS guest-state field
 *   apic_*    the vCPU's local APIC (vmx/dev_lapic.c)
 * The x2APIC registers, MSRs 0x800-0x8FF, are the APIC's own register table (vmx/dev_lapic.c,
 * reached through vmx/exit_apic.c), which says for each what a read or write may do.
 */
#define GUEST_MSRS(X)                                                                       \
	X(IA32_TSC, NO_FIELD, tsc, tsc)                                                     \
	X(IA32_APIC_BASE, NO_FIELD, apic_base, apic_base)                                   \
	X(IA32_UCODE_REV, NO_FIELD, zero, ignored) /* Linux writes 0 before reading it */    \
	X(IA32_MTRRCAP, NO_FIELD, mtrrcap, refused) /* read-only */                          \
	X(IA32_SYSENTER_CS, VMCS_GUEST_SYSENTER_CS, vmcs, vmcs)                             \
	X(IA32_SYSENTER_ESP, VMCS_GUEST_SYSENTER_ESP, vmcs, vmcs_canonical)                 \
	X(IA32_SYSENTER_EIP, VMCS_GUEST_SYSENTER_EIP, vmcs, vmcs_canonical)                 \
	X(IA32_MISC_ENABLE, NO_FIELD, misc_enable, ignored) /* what Linux toggles changes nothing */ \
	X(IA32_PAT, VMCS_GUEST_IA32_PAT, vmcs, pat)                                         \
	X(IA32_MTRR_DEF_TYPE, NO_FIELD, mtrr_def_type, mtrr_def_type)                       \
	X(IA32_TSC_DEADLINE, NO_FIELD, apic_deadline, apic_deadline)                        \
	X(IA32_EFER, VMCS_GUEST_IA32_EFER, vmcs, efer)                                      \
	X(IA32_STAR, NO_FIELD, cpu, cpu)                                                    \
	X(IA32_LSTAR, NO_FIELD, cpu, cpu_canonical)                                         \
	X(IA32_CSTAR, NO_FIELD, cpu, cpu_canonical)                                         \
	X(IA32_FMASK, NO_FIELD, cpu, fmask)                                                 \
	X(IA32_FS_BASE, VMCS_GUEST_ES_BASE + 2 * SEG_FS, vmcs, vmcs_canonical)              \
	X(IA32_GS_BASE, VMCS_GUEST_ES_BASE + 2 * SEG_GS, vmcs, vmcs_canonical)              \
	X(IA32_KERNEL_GS_BASE, NO_FIELD, cpu, cpu_canonical)

struct guest_msr {
	uint32_t msr, field;
	const char *name;
	void (*read)(const struct vcpu *v, const struct guest_msr *m, uint64_t *val);
	bool (*write)(struct vcpu *v, const struct guest_msr *m, uint64_t val);
};

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

static void read_tsc(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)v, (void)m;
	*val = rdtsc() + vmcs_read(VMCS_TSC_OFFSET);
}

static void read_zero(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)v, (void)m;
	*val = 0; /* no microcode update is visible */
}

static void read_mtrrcap(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)v, (void)m;
	*val = MTRRCAP_VALUE;
}

static void read_misc_enable(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)v, (void)m;
	*val = MISC_ENABLE_VALUE;
}

static void read_mtrr_def_type(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)m;
	*val = v->cpu.mtrr_def_type;
}

static void read_vmcs(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)v;
	*val = vmcs_read(m->field);
}

static void read_cpu(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)v;
	*val = rdmsr(m->msr);
}

static void read_apic_base(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)m;
	*val = v->plat.lapic.base;
}

/* The guest's TSC is the host's plus the TSC offset; the APIC keeps host time. 0 reads 0. */
static void read_apic_deadline(const struct vcpu *v, const struct guest_msr *m, uint64_t *val)
{
	(void)m;
	uint64_t host = lapic_read_deadline(&v->plat.lapic);
	*val = host ? host + vmcs_read(VMCS_TSC_OFFSET) : 0;
}

static bool write_tsc(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)v, (void)m;
	vmcs_write(VMCS_TSC_OFFSET, val - rdtsc());
	return true;
}

/* SDM Vol. 3A, 11.4.4 and 11.12.5: the mode transitions lapic_write_base checks. Moving the
 * xAPIC page onto the guest's own memory is refused (#GP): EPT maps RAM there, so the APIC
 * would never see the accesses. */
static bool write_apic_base(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)m;
	if ((val & APIC_BASE_ADDR_MASK) < v->mem.size)
		return false;
	return lapic_write_base(&v->plat.lapic, val, v->ctl->phys_reserved);
}

static bool write_apic_deadline(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)m;
	lapic_write_deadline(&v->plat.lapic, val ? val - vmcs_read(VMCS_TSC_OFFSET) : 0);
	return true;
}

static bool write_ignored(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)v, (void)m, (void)val;
	return true;
}

static bool write_refused(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)v, (void)m, (void)val;
	return false;
}

static bool write_mtrr_def_type(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)m;
	if ((val & ~MTRR_DEF_TYPE_BITS) || !MTRR_TYPE_VALID(val & 0xff))
		return false;
	v->cpu.mtrr_def_type = val;
	return true;
}

static bool write_vmcs(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)v;
	vmcs_write(m->field, val);
	return true;
}

static bool write_vmcs_canonical(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	return canonical(val) && write_vmcs(v, m, val);
}

static bool write_pat(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	return pat_valid(val) && write_vmcs(v, m, val);
}

/* SDM Vol. 3A, 10.8.5: LME changes only while paging is off; LMA is the CPU's, never written. */
static bool write_efer(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)v;
	uint64_t old = vmcs_read(m->field);
	bool paging = vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_PG;
	if ((val & ~(EFER_WRITABLE | EFER_LMA)) || (paging && ((val ^ old) & EFER_LME)))
		return false;
	vmcs_write(m->field, (val & EFER_WRITABLE) | (old & EFER_LMA));
	return true;
}

static bool write_cpu(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	(void)v;
	wrmsr(m->msr, val);
	return true;
}

static bool write_cpu_canonical(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	return canonical(val) && write_cpu(v, m, val);
}

static bool write_fmask(struct vcpu *v, const struct guest_msr *m, uint64_t val)
{
	return write_cpu(v, m, (uint32_t)val); /* FMASK bits 63:32 are reserved (read 0) */
}

#define GUEST_MSR_ENTRY(n, f, r, w) { MSR_##n, f, #n, read_##r, write_##w },
static const struct guest_msr guest_msrs[] = { GUEST_MSRS(GUEST_MSR_ENTRY) };
#undef GUEST_MSR_ENTRY

static const struct guest_msr *find(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(guest_msrs) / sizeof(guest_msrs[0]); i++)
		if (guest_msrs[i].msr == msr)
			return &guest_msrs[i];
	return NULL;
}

static void raise_gp(struct vcpu *v, const char *op, uint32_t msr, const char *name, const char *why)
{
	log_debug("guest %s: %s of MSR 0x%x (%s): %s: #GP injected\n", v->name, op, msr, name, why);
	vmcs_inject_exception(VECTOR_GP, true, 0);
}

void handle_rdmsr(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint32_t msr = (uint32_t)vcpu_gpr(v, GPR_RCX);
	const struct guest_msr *m = find(msr);
	uint64_t val;
	if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST) {
		const char *why = apic_x2apic_rdmsr(v, msr, &val);
		if (why) {
			raise_gp(v, "RDMSR", msr, "x2APIC", why);
			return;
		}
	} else if (!m) {
		raise_gp(v, "RDMSR", msr, "unknown", "not one the guest has");
		return;
	} else {
		m->read(v, m, &val);
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
	const struct guest_msr *m = find(msr);
	if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST) {
		const char *why = apic_x2apic_wrmsr(v, msr, val);
		if (why) {
			raise_gp(v, "WRMSR", msr, "x2APIC", why);
			return;
		}
		vmcs_skip_instruction();
		return;
	}
	if (!m) {
		raise_gp(v, "WRMSR", msr, "unknown", "not one the guest has");
		return;
	}
	if (!m->write(v, m, val)) {
		raise_gp(v, "WRMSR", msr, m->name, "a value the CPU refuses");
		return;
	}
	vmcs_skip_instruction();
}
