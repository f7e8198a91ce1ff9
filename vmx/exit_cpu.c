/* exit_cpu.c: exits for CPU instructions: HLT, INVD, WBINVD, VMCALL, XSETBV, CR accesses. */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/platform.h"
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
/* SDM Vol. 2B, XSETBV: XCR0's rules; Vol. 2A, CPUID leaf 0DH: the XCR0 bits the CPU supports. */
#define CPUID_LEAF_XSAVE 0xd

/* SDM Vol. 3C, 25.4.2: the STI/MOV SS shadow covered only the HLT, which is now done. */
#define BLOCKING_BY_STI_OR_MOV_SS 0x3ull

/* HLT with IF=1: the vCPU sleeps until an interrupt is pending (injected at its next entry;
 * vcpu_run looks at its timer deadline); with no timer running at all it goes on at the loop's
 * next turn, a wake-up nothing explains (idle loops tolerate it). HLT with IF=0 halts for good. */
void handle_hlt(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	if (!(vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		vcpu_stop(v, "HLT with interrupts disabled at RIP 0x%llx: the guest has halted for good",
			  (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
		return;
	}
	vmcs_skip_instruction();
	uint64_t shadow = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	if (shadow & BLOCKING_BY_STI_OR_MOV_SS)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, shadow & ~BLOCKING_BY_STI_OR_MOV_SS);
	intr_update(v, rdtsc());
	if (intr_pending(v))
		return; /* taken at once: the entry injects it */
	uint64_t deadline = intr_next_deadline(v);
	v->wake_tsc = deadline == UINT64_MAX ? 0 : deadline;
	v->halted = true;
}

/* The guest's CPUID shows no performance counters (leaf 0xA is zeros) and the host's would leak
 * its activity: RDPMC raises #GP as for an invalid counter (SDM Vol. 2B, RDPMC). */
void handle_rdpmc(struct vcpu *v, uint32_t reason)
{
	(void)v;
	(void)reason;
	vmcs_inject_exception(VECTOR_GP, true, 0);
}

/* INVD and WBINVD both write back: INVD would throw away Tally's own dirty cache lines too. */
void handle_wbinvd(struct vcpu *v, uint32_t reason)
{
	(void)v;
	(void)reason;
	__asm__ volatile("wbinvd" ::: "memory");
	vmcs_skip_instruction();
}

/* Tally defines no hypercalls (statistics are CPUID leaves): every VMCALL answers RAX = ~0. */
void handle_vmcall(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	vcpu_set_gpr(v, GPR_RAX, ~0ull);
	vmcs_skip_instruction();
}

static bool xcr0_valid(uint64_t val)
{
	struct cpuid_regs r;
	cpuid(CPUID_LEAF_XSAVE, 0, &r);
	uint64_t supported = ((uint64_t)r.edx << 32) | r.eax;
	if (!(val & XCR0_X87) || (val & ~supported))
		return false;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return false;
	if ((val & XCR0_AVX512) && ((val & XCR0_AVX512) != XCR0_AVX512 || !(val & XCR0_AVX)))
		return false;
	return true;
}

/* The host never uses FPU/SSE state (-mgeneral-regs-only), so XCR0 holds the running guest's
 * (vcpu_switch.c loads each vCPU's own). */
void handle_xsetbv(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint32_t index = (uint32_t)vcpu_gpr(v, GPR_RCX);
	uint64_t val = (vcpu_gpr(v, GPR_RDX) << 32) | (uint32_t)vcpu_gpr(v, GPR_RAX);
	if (index != 0 || !xcr0_valid(val)) {
		vmcs_inject_exception(VECTOR_GP, true, 0);
		return;
	}
	xsetbv(0, val);
	v->cpu.xcr0 = val;
	vmcs_skip_instruction();
}

/* SDM Vol. 3A, 2.5: MOV to CR0 with PG=1 and PE=0 raises #GP; so does any bit above 31. */
static void guest_write_cr0(struct vcpu *v, uint64_t val)
{
	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE))) {
		vmcs_inject_exception(VECTOR_GP, true, 0);
		return;
	}
	vmcs_set_guest_cr0(v, val | (1ull << 4)); /* CR0.ET reads as 1 */
	vmcs_skip_instruction();
}

/* CR4.VMXE stays clear in the guest's view: VT-x is hidden, as on a CPU without it. */
static void guest_write_cr4(struct vcpu *v, uint64_t val)
{
	if ((val & CR4_VMXE) || (val & ~v->ctl->cr4_fixed1)) {
		vmcs_inject_exception(VECTOR_GP, true, 0);
		return;
	}
	vmcs_set_guest_cr4(v, val);
	vmcs_skip_instruction();
}

/* SDM Vol. 3A, 10.8.6.1: CR8 is the TPR's bits 7:4; setting bits 63:4 raises #GP. The value
 * stays with the vCPU: the host APIC's TPR (which gates Tally's idle timer) is never touched. */
static void guest_write_cr8(struct vcpu *v, uint64_t val)
{
	if (val >> 4) {
		vmcs_inject_exception(VECTOR_GP, true, 0);
		return;
	}
	v->cpu.tpr = (uint8_t)val;
	vmcs_skip_instruction();
}

static void mov_to_cr(struct vcpu *v, uint64_t q)
{
	uint64_t val = vcpu_gpr(v, CRQ_GPR(q));
	if (!vcpu_long_mode())
		val = (uint32_t)val;
	switch (CRQ_NUMBER(q)) {
	case 0: guest_write_cr0(v, val); return;
	case 3: vmcs_write(VMCS_GUEST_CR3, val); vmcs_skip_instruction(); return;
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
			vcpu_set_gpr(v, CRQ_GPR(q), CRQ_NUMBER(q) == 3 ? vmcs_read(VMCS_GUEST_CR3) : v->cpu.tpr);
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
