/* exit_cpu.c: exits for CPU instructions: HLT, INVD, WBINVD, VMCALL, XSETBV (CR accesses: exit_cr.c). */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/platform.h"
#include "vmx/backend.h"
#include "vmx/vmcs_setup.h"

/* SDM Vol. 2B, XSETBV: XCR0's rules; Vol. 2A, CPUID leaf 0DH: the XCR0 bits the CPU supports. */
#define CPUID_LEAF_XSAVE 0xd


/* HLT with IF=1: the vCPU sleeps until an interrupt is pending (injected at its next entry;
 * vcpu_run looks at its timer deadline); with no timer running at all it goes on at the loop's
 * next turn, a wake-up nothing explains (idle loops tolerate it). HLT with IF=0 halts for good. */
void handle_hlt(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	if (!(vcpu_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		vcpu_stop(v, "HLT with interrupts disabled at RIP 0x%llx: the guest has halted for good",
			  (unsigned long long)vcpu_read(VMCS_GUEST_RIP));
		return;
	}
	vcpu_skip_instruction(); /* also ends an STI shadow: `sti; hlt` idles with interrupts on */
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
	vcpu_inject_exception(VECTOR_GP, true, 0);
}

/* INVD and WBINVD both write back: INVD would throw away Tally's own dirty cache lines too. */
void handle_wbinvd(struct vcpu *v, uint32_t reason)
{
	(void)v;
	(void)reason;
	__asm__ volatile("wbinvd" ::: "memory");
	vcpu_skip_instruction();
}

/* Tally defines no hypercalls (statistics are CPUID leaves): every VMCALL answers RAX = ~0. */
void handle_vmcall(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	vcpu_set_gpr(v, GPR_RAX, ~0ull);
	vcpu_skip_instruction();
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
		vcpu_inject_exception(VECTOR_GP, true, 0);
		return;
	}
	xsetbv(0, val);
	v->cpu.xcr0 = val;
	vcpu_skip_instruction();
}

/* SDM Vol. 3C, 26.4.2: a task switch always exits. Tally does not emulate hardware task switching
 * (64-bit mode has none; no guest it runs uses it): the guest is stopped, and the report names
 * the switch (SDM Vol. 3C, 28.2.1, Table 28-2: TSS selector 15:0, source 31:30). */
void handle_task_switch(struct vcpu *v, uint32_t reason)
{
	static const char *const sources[] = { "CALL", "IRET", "JMP", "a task gate in the IDT" };
	(void)reason;
	uint64_t q = vcpu_read(VMCS_EXIT_QUALIFICATION);
	vcpu_stop(v, "task switch to TSS selector 0x%04llx by %s at RIP 0x%llx: hardware task switching is not emulated",
		  (unsigned long long)(q & 0xffff), sources[(q >> 30) & 3], (unsigned long long)vcpu_read(VMCS_GUEST_RIP));
}
