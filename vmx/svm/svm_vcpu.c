/* svm_vcpu.c: SVM on the boot CPU (EFER.SVME, host save area) and a vCPU's VMCB: intercepts, ASID, nested paging, entry. */
#include <string.h>

#include "kernel/arch/idle.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "vmx/backend.h"
#include "vmx/dev_lapic.h"
#include "vmx/guest_start.h"
#include "vmx/svm/svm.h"
#include "vmx/svm/svm_exits.h"
#include "vmx/vcpu.h"

/* Intel SDM Vol. 2A, CPUID 80000008H: EAX 7:0, the physical-address width (AMD's is the same). */
#define CPUID_LEAF_ADDRESS_SIZES 0x80000008u

/* What the guest's instructions make exit, as VMX's controls do (vmx/controls.h): CPUID, HLT, INVD
 * and WBINVD, RDPMC, XSETBV, every port and MSR (all-ones permission maps), task switches, a
 * shutdown (triple fault), a host interrupt (the quantum), VMMCALL, and the SVM instructions the
 * guest's EFER.SVME would otherwise let it run (the MSRs include IA32_APIC_BASE, IA32_TSC_DEADLINE
 * and the x2APIC range, emulated by vmx/exit_apic.c). CR0/CR4/CR8 are the guest's own under nested
 * paging and V_INTR_MASKING, so control-register accesses do not exit; CR8 is the VMCB's V_TPR,
 * kept equal to the emulated APIC's TPR bits 7:4 around each run (svm_enter). */
#define SVM_INTERCEPTS1 (SVM_INTERCEPT1_INTR | SVM_INTERCEPT1_RDPMC | SVM_INTERCEPT1_CPUID | SVM_INTERCEPT1_INVD | \
			 SVM_INTERCEPT1_HLT | SVM_INTERCEPT1_INVLPGA | SVM_INTERCEPT1_IOIO_PROT |                \
			 SVM_INTERCEPT1_MSR_PROT | SVM_INTERCEPT1_TASK_SWITCH | SVM_INTERCEPT1_SHUTDOWN)
#define SVM_INTERCEPTS2 (SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL | SVM_INTERCEPT2_VMLOAD |                  \
			 SVM_INTERCEPT2_VMSAVE | SVM_INTERCEPT2_STGI | SVM_INTERCEPT2_CLGI | SVM_INTERCEPT2_SKINIT |  \
			 SVM_INTERCEPT2_WBINVD | SVM_INTERCEPT2_XSETBV)
#define RFLAGS_RESERVED1 0x2ull
#define DR6_INIT 0xffff0ff0ull

static struct svm_caps caps;
/* Guest ASIDs 1..SVM_ASIDS_USED, and which vCPU last ran under each (its TLB entries are its). */
#define SVM_ASIDS_USED 16
static const struct vcpu *asid_user[SVM_ASIDS_USED + 1];
static void *host_save_area; /* VM_HSAVE_PA: where VMRUN keeps the host's state */
static void *host_vmload_area; /* the host's FS, GS, TR, LDTR and SYSCALL MSRs, for VMLOAD after each exit */

const char *svm_enable(struct vmx_controls *ctl)
{
	svm_caps_probe(&caps);
	if (!caps.usable)
		return caps.why_not;
	uint64_t vm_cr = rdmsr(MSR_VM_CR);
	if (vm_cr & VM_CR_SVMDIS) /* not locked (svm_caps_probe): Tally may clear it */
		wrmsr(MSR_VM_CR, vm_cr & ~VM_CR_SVMDIS);
	host_save_area = page_alloc_zeroed(1);
	host_vmload_area = page_alloc_zeroed(1);
	if (!host_save_area || !host_vmload_area)
		return "out of memory for the host save area";
	wrmsr(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uintptr_t)host_save_area);
	__asm__ volatile("vmsave %0" ::"a"((uintptr_t)host_vmload_area) : "memory");
	backend_host_enable_xsave();
	struct cpuid_regs r;
	cpuid(CPUID_LEAF_ADDRESS_SIZES, 0, &r);
	unsigned width = r.eax & 0xff;
	*ctl = (struct vmx_controls){ .cr4_fixed1 = ~0ull, .cr0_fixed1 = ~0ull,
				      .phys_reserved = width == 0 || width >= 64 ? 0 : ~((1ull << width) - 1) };
	return NULL;
}

static void *alloc_map(unsigned pages)
{
	uint8_t *p = page_alloc_zeroed(pages);
	if (p)
		memset(p, 0xff, (size_t)pages * PAGE_SIZE); /* every port and MSR intercepted */
	return p;
}

static void setup_control(struct svm_vcpu *s, const struct vcpu *v)
{
	struct vmcb_control *c = &s->vmcb->control;
	c->intercept_misc1 = SVM_INTERCEPTS1;
	c->intercept_misc2 = SVM_INTERCEPTS2;
	c->iopm_base_pa = (uintptr_t)s->iopm;
	c->msrpm_base_pa = (uintptr_t)s->msrpm;
	uint32_t asids = caps.asids - 1 < SVM_ASIDS_USED ? caps.asids - 1 : SVM_ASIDS_USED;
	c->asid = 1 + (uint32_t)(v->vpid - 1) % asids; /* 0 is the host's */
	c->int_ctl = SVM_V_INTR_MASKING;    /* the guest's IF and CR8 are virtual, the host's IF rules */
	c->nested_ctl = SVM_NESTED_CTL_NP;
	c->nested_cr3 = v->mem.ncr3;
}

void svm_vcpu_teardown(struct vcpu *v)
{
	struct svm_vcpu *s = v->svm;
	if (!s)
		return;
	for (unsigned i = 0; i <= SVM_ASIDS_USED; i++)
		if (asid_user[i] == v) /* a later vCPU may be allocated at the same address */
			asid_user[i] = NULL;
	if (s->vmcb)
		page_free(s->vmcb, 1);
	if (s->iopm)
		page_free(s->iopm, SVM_IOPM_PAGES);
	if (s->msrpm)
		page_free(s->msrpm, SVM_MSRPM_PAGES);
	kfree(s);
	v->svm = NULL;
}

int svm_vcpu_setup(struct vcpu *v, const struct guest_boot *boot)
{
	struct svm_vcpu *s = kzalloc(sizeof(*s));
	v->svm = s;
	if (!s || !(s->vmcb = page_alloc_zeroed(1)) || !(s->iopm = alloc_map(SVM_IOPM_PAGES)) ||
	    !(s->msrpm = alloc_map(SVM_MSRPM_PAGES))) {
		kprintf("guest %s: not started: out of memory for the VMCB\n", v->name);
		svm_vcpu_teardown(v);
		return -1;
	}
	s->owner = v;
	s->nrips = caps.nrips;
	s->decode_assists = caps.decode_assists;
	setup_control(s, v);
	svm_make_current(v);
	struct vmcb_save *a = &s->vmcb->save;
	a->efer = EFER_SVME; /* APM Vol. 2, 15.5.1: VMRUN refuses a guest without it */
	a->dr6 = DR6_INIT;
	a->rflags = RFLAGS_RESERVED1;
	guest_start_state(v, boot);
	return 0;
}

/* The timer the shared code set for this entry (VMCS_PREEMPTION_TIMER_VALUE, in TSC cycles under
 * SVM) runs on the host's local APIC; its interrupt ends the run with an INTR exit. The guest's
 * CR8 writes change V_TPR without an exit: the APIC's TPR takes them after the run, and an xAPIC or
 * x2APIC TPR write reaches V_TPR before the next. */
void svm_enter(struct vcpu *v)
{
	struct svm_vcpu *s = v->svm;
	struct vmcb *b = s->vmcb;
	if (asid_user[b->control.asid] != v) { /* its ASID's TLB entries are another guest's (or stale) */
		b->control.tlb_control = SVM_TLB_FLUSH_ALL;
		asid_user[b->control.asid] = v;
	}
	idle_timer_arm_ns(tsc_cycles_to_ns(s->timer_cycles));
	b->save.rax = v->regs.gpr[GPR_RAX];
	uint32_t tpr = (uint32_t)lapic_cr8(&v->plat.lapic);
	b->control.int_ctl = (b->control.int_ctl & ~SVM_V_TPR_MASK) | tpr;
	svm_run(&v->regs, (uintptr_t)b, (uintptr_t)host_vmload_area);
	if ((b->control.int_ctl & SVM_V_TPR_MASK) != tpr) /* the guest wrote CR8: the APIC's TPR bits 7:4 */
		lapic_set_cr8(&v->plat.lapic, b->control.int_ctl & SVM_V_TPR_MASK);
	idle_timer_stop();
	if (b->control.exit_code == SVM_EXIT_INTR)
		idle_timer_take();
	v->regs.gpr[GPR_RAX] = b->save.rax;
	b->control.tlb_control = SVM_TLB_FLUSH_NOTHING;
	b->control.event_inj = 0; /* delivered, or in EXITINTINFO for redelivery (vmx/run.c) */
	s->exit.decoded = false;
}
