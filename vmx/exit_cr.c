/* exit_cr.c: control-register exits (MOV to/from CR0, CR3, CR4, CR8, CLTS, LMSW), checked by the SDM's MOV CR rules; PAE's PDPTEs loaded. */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

/* Intel SDM Vol. 3C, 28.2.1, Table 28-3: control-register access qualification. */
#define CRQ_NUMBER(q) ((q) & 0xf)
#define CRQ_TYPE(q) (((q) >> 4) & 3)
#define CRQ_GPR(q) (((q) >> 8) & 0xf)
#define CRQ_LMSW_SOURCE(q) (((q) >> 16) & 0xffff)
enum { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };
/* SDM Vol. 3A, 2.5: LMSW writes CR0 bits 3:0 only. */
#define CR0_LMSW_BITS 0xfull
/* SDM Vol. 3A, 2.5, Figure 2-7: the bits CR0 has; the others read as 0 whatever was written. */
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_DEFINED (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)
/* CR4 bits whose change reloads PAE's PDPTEs (SDM Vol. 3A, 4.4.1): PSE, PAE, PGE, SMEP, SMAP. */
#define CR4_PSE (1ull << 4)
#define CR4_PCIDE (1ull << 17)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR4_PDPTE_BITS (CR4_PSE | CR4_PAE | CR4_PGE | CR4_SMEP | CR4_SMAP)
/* SDM Vol. 3A, 4.4.1, Table 4-8: a present PDPTE's reserved bits 2:1 and 8:5 (and above MAXPHYADDR). */
#define PDPTE_PRESENT 0x1ull
#define PDPTE_RESERVED 0x1e6ull
#define CR3_PCID_NOFLUSH (1ull << 63)
/* SDM Vol. 3C, 25.4.1, Table 25-2: access-rights bit 13, the L flag (64-bit code segment). */
#define SEG_ACCESS_L (1ull << 13)
/* SDM Vol. 3C, 25.4.2: the PDPTE fields (64-bit, consecutive encodings two apart). */
#define VMCS_GUEST_PDPTE0 0x280a

static void raise_gp(void)
{
	vmcs_inject_exception(VECTOR_GP, true, 0);
}

static bool pae_paging(uint64_t cr0, uint64_t cr4)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !vcpu_long_mode();
}

/* SDM Vol. 3A, 4.4.1: the four PDPTEs at cr3 bits 31:5 into the VMCS (EPT uses them at entry);
 * false (nothing changed) when an entry is present with a reserved bit set: the caller's #GP. */
static bool load_pdptes(struct vcpu *v, uint64_t cr3)
{
	const uint64_t *p = guest_ptr(&v->mem, cr3 & 0xffffffe0u, 32);
	uint64_t reserved = PDPTE_RESERVED | v->ctl->phys_reserved;
	if (!p)
		return false;
	for (int i = 0; i < 4; i++)
		if ((p[i] & PDPTE_PRESENT) && (p[i] & reserved))
			return false;
	for (int i = 0; i < 4; i++)
		vmcs_write(VMCS_GUEST_PDPTE0 + 2 * (uint32_t)i, p[i]);
	return true;
}

/* SDM Vol. 2B, MOV (control registers), #GP(0) conditions for CR0. */
static bool cr0_faults(uint64_t old, uint64_t val, uint64_t cr4)
{
	bool lme = vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LME;
	bool code64 = vcpu_long_mode() && (vmcs_read(VMCS_GUEST_ACCESS(SEG_CS)) & SEG_ACCESS_L);
	return (val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) || ((val & CR0_NW) && !(val & CR0_CD)) ||
	       ((val & CR0_PG) && !(old & CR0_PG) && lme && !(cr4 & CR4_PAE)) || (code64 && !(val & CR0_PG));
}

static void guest_write_cr0(struct vcpu *v, uint64_t val)
{
	uint64_t old = vmcs_read(VMCS_CR0_READ_SHADOW), cr4 = vmcs_read(VMCS_CR4_READ_SHADOW);
	if (cr0_faults(old, val, cr4)) {
		raise_gp();
		return;
	}
	val = (val & CR0_DEFINED) | CR0_ET; /* ET is hard-wired to 1; undefined bits read as 0 */
	bool lme = vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LME;
	bool reload = (val & CR0_PG) && (cr4 & CR4_PAE) && !lme && ((val ^ old) & (CR0_PG | CR0_CD | CR0_NW));
	if (reload && !load_pdptes(v, vmcs_read(VMCS_GUEST_CR3))) {
		raise_gp();
		return;
	}
	vmcs_set_guest_cr0(v, val);
	vmcs_skip_instruction();
}

static void guest_write_cr3(struct vcpu *v, uint64_t val)
{
	uint64_t cr0 = vmcs_read(VMCS_CR0_READ_SHADOW), cr4 = vmcs_read(VMCS_CR4_READ_SHADOW);
	if (vcpu_long_mode()) {
		if (cr4 & CR4_PCIDE)
			val &= ~CR3_PCID_NOFLUSH; /* "do not flush": there is nothing of the guest's to keep */
		if (val & v->ctl->phys_reserved) {
			raise_gp();
			return;
		}
	} else if (pae_paging(cr0, cr4) && !load_pdptes(v, val)) {
		raise_gp();
		return;
	}
	vmcs_write(VMCS_GUEST_CR3, val);
	vmcs_skip_instruction();
}

/* CR4.VMXE stays clear in the guest's view: VT-x is hidden, as on a CPU without it. */
static void guest_write_cr4(struct vcpu *v, uint64_t val)
{
	uint64_t old = vmcs_read(VMCS_CR4_READ_SHADOW), cr0 = vmcs_read(VMCS_CR0_READ_SHADOW);
	bool lma = vcpu_long_mode();
	if ((val & CR4_VMXE) || (val & ~v->ctl->cr4_fixed1) || (lma && !(val & CR4_PAE)) ||
	    ((val & CR4_PCIDE) && (!lma || (!(old & CR4_PCIDE) && (vmcs_read(VMCS_GUEST_CR3) & 0xfff))))) {
		raise_gp();
		return;
	}
	if (pae_paging(cr0, val) && ((val ^ old) & CR4_PDPTE_BITS) && !load_pdptes(v, vmcs_read(VMCS_GUEST_CR3))) {
		raise_gp();
		return;
	}
	vmcs_set_guest_cr4(v, val);
	vmcs_skip_instruction();
}

/* SDM Vol. 3A, 11.8.6.1: CR8 is the guest APIC's TPR bits 7:4; setting bits 63:4 raises #GP.
 * The host APIC's TPR (which gates Tally's idle timer) is never touched. */
static void guest_write_cr8(struct vcpu *v, uint64_t val)
{
	if (val >> 4) {
		raise_gp();
		return;
	}
	lapic_set_cr8(&v->plat.lapic, val);
	vmcs_skip_instruction();
}

static void mov_to_cr(struct vcpu *v, uint64_t q)
{
	uint64_t val = vcpu_gpr(v, CRQ_GPR(q));
	if (!vcpu_long_mode())
		val = (uint32_t)val;
	switch (CRQ_NUMBER(q)) {
	case 0: guest_write_cr0(v, val); return;
	case 3: guest_write_cr3(v, val); return;
	case 4: guest_write_cr4(v, val); return;
	case 8: guest_write_cr8(v, val); return;
	}
	vcpu_stop(v, "MOV to CR%llu is not emulated (qualification 0x%llx)", (unsigned long long)CRQ_NUMBER(q),
		  (unsigned long long)q);
}

void handle_cr_access(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	uint64_t cr0 = vmcs_read(VMCS_CR0_READ_SHADOW);
	switch (CRQ_TYPE(q)) {
	case CR_MOV_TO:
		mov_to_cr(v, q);
		return;
	case CR_MOV_FROM:
		if (CRQ_NUMBER(q) == 3 || CRQ_NUMBER(q) == 8) {
			vcpu_set_gpr(v, CRQ_GPR(q), CRQ_NUMBER(q) == 3 ? vmcs_read(VMCS_GUEST_CR3) : lapic_cr8(&v->plat.lapic));
			vmcs_skip_instruction();
			return;
		}
		break;
	case CR_CLTS:
		vmcs_set_guest_cr0(v, cr0 & ~CR0_TS);
		vmcs_skip_instruction();
		return;
	case CR_LMSW: /* LMSW sets PE but never clears it (SDM Vol. 2A, LMSW) */
		vmcs_set_guest_cr0(v, (cr0 & ~CR0_LMSW_BITS) | (CRQ_LMSW_SOURCE(q) & CR0_LMSW_BITS) | (cr0 & CR0_PE));
		vmcs_skip_instruction();
		return;
	}
	vcpu_stop(v, "control-register access not emulated: CR%llu, access type %llu (qualification 0x%llx)",
		  (unsigned long long)CRQ_NUMBER(q), (unsigned long long)CRQ_TYPE(q), (unsigned long long)q);
}
