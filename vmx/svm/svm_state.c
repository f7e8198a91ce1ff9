/* svm_state.c: the accessor layer under SVM: each VMCS field the shared handlers name, at its VMCB place. */
#include "kernel/arch/panic.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/backend.h"
#include "vmx/svm/svm.h"
#include "vmx/svm/svm_exits.h"
#include "vmx/vcpu.h"

/* SDM Vol. 3C, 25.4.1: VMX access rights: the descriptor's access byte in 7:0, AVL/L/D/G in 15:12,
 * bit 16 "unusable"; the VMCB packs the same bits as 7:0 and 11:8 (APM Vol. 2, Table B-2). */
#define AR_UNUSABLE (1u << 16)
/* SDM Vol. 3C, 25.4.2, Table 25-3: blocking by STI (the VMCB knows one interrupt shadow). */
#define BLOCKING_BY_STI 1u
/* SDM Vol. 3C, 25.6.2: primary processor-based controls, interrupt-window exiting. */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)
#define RFLAGS_RF (1ull << 16)
/* SDM Vol. 3A, 6.15: the fault-class exceptions, whose RFLAGS image has RF set. */
#define FAULT_VECTORS ((1u << 0) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 10) | (1u << 11) | (1u << 12) | \
		       (1u << 13) | (1u << 14) | (1u << 16) | (1u << 17) | (1u << 19) | (1u << 20))
#define EVENT_VALID (1u << 31)
#define EVENT_DELIVER_ERROR (1u << 11)
#define EVENT_TYPE_EXCEPTION (3u << 8)
#define LOW32 0xffffffffull

static struct svm_vcpu *cur;

void svm_make_current(struct vcpu *v)
{
	cur = v->svm;
}

struct svm_vcpu *svm_current(void)
{
	return cur;
}

/* VMX's segment order (ES CS SS DS FS GS LDTR TR) in the VMCB. */
static struct vmcb_seg *segment(unsigned s)
{
	struct vmcb_save *a = &cur->vmcb->save;
	struct vmcb_seg *const segs[SEG_COUNT] = { &a->es, &a->cs, &a->ss, &a->ds, &a->fs, &a->gs, &a->ldtr, &a->tr };
	return segs[s];
}

static uint64_t access_from_attrib(uint16_t a)
{
	return a & 0x80 ? (a & 0xffu) | ((uint64_t)(a & 0xf00u) << 4) : AR_UNUSABLE;
}

static uint16_t attrib_from_access(uint64_t ar)
{
	return ar & AR_UNUSABLE ? 0 : (uint16_t)((ar & 0xffu) | ((ar >> 4) & 0xf00u));
}

/* Guest segment fields (selector, limit, access rights, base); false when field is none of them. */
static bool segment_field(uint64_t field, struct vmcb_seg **seg, unsigned *part)
{
	static const uint64_t first[4] = { VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_ACCESS,
					   VMCS_GUEST_ES_BASE };
	for (unsigned p = 0; p < 4; p++)
		if (field >= first[p] && field < first[p] + 2 * SEG_COUNT && !(field & 1)) {
			*seg = segment((unsigned)(field - first[p]) / 2);
			*part = p;
			return true;
		}
	return false;
}

static uint64_t read_segment(struct vmcb_seg *s, unsigned part)
{
	switch (part) {
	case 0: return s->selector;
	case 1: return s->limit;
	case 2: return access_from_attrib(s->attrib);
	}
	return s->base;
}

static void write_segment(struct vmcb_seg *s, unsigned part, uint64_t val)
{
	switch (part) {
	case 0: s->selector = (uint16_t)val; return;
	case 1: s->limit = (uint32_t)val; return;
	case 2: s->attrib = attrib_from_access(val); return;
	}
	s->base = val;
}

/* A guest-state field kept in a 64-bit VMCB word, or NULL. */
static uint64_t *state_word(uint64_t field)
{
	struct vmcb_save *a = &cur->vmcb->save;
	switch (field) {
	case VMCS_GUEST_CR0:
	case VMCS_CR0_READ_SHADOW: return &a->cr0; /* the guest owns CR0 under nested paging */
	case VMCS_GUEST_CR3: return &a->cr3;
	case VMCS_GUEST_CR4:
	case VMCS_CR4_READ_SHADOW: return &a->cr4;
	case VMCS_GUEST_DR7: return &a->dr7;
	case VMCS_GUEST_RSP: return &a->rsp;
	case VMCS_GUEST_RIP: return &a->rip;
	case VMCS_GUEST_RFLAGS: return &a->rflags;
	case VMCS_GUEST_IA32_PAT: return &a->g_pat;
	case VMCS_GUEST_IA32_DEBUGCTL: return &a->dbgctl;
	case VMCS_GUEST_SYSENTER_CS: return &a->sysenter_cs;
	case VMCS_GUEST_SYSENTER_ESP: return &a->sysenter_esp;
	case VMCS_GUEST_SYSENTER_EIP: return &a->sysenter_eip;
	case VMCS_TSC_OFFSET: return &cur->vmcb->control.tsc_offset;
	}
	return NULL;
}

static uint64_t read_exit_info(uint64_t field)
{
	struct vmcb_control *c = &cur->vmcb->control;
	svm_decode_exit(cur);
	switch (field) {
	case VMCS_EXIT_REASON: return svm_exit_reason_now();
	case VMCS_EXIT_QUALIFICATION: return cur->exit.qualification;
	case VMCS_EXIT_INSTRUCTION_LENGTH: return svm_instruction_length(cur); /* decoded only when asked */
	case VMCS_EXIT_INSTRUCTION_INFO: return cur->exit.instruction_info;
	case VMCS_GUEST_LINEAR_ADDRESS: return cur->exit.linear;
	case VMCS_GUEST_PHYSICAL_ADDRESS: return c->exit_code == SVM_EXIT_NPF ? c->exit_info2 : 0;
	case VMCS_IDT_VECTORING_INFO: return c->exit_int_info & LOW32;
	}
	return 0; /* VMCS_EXIT_INTR_INFO: an INTR exit names no vector */
}

uint64_t svm_read(uint64_t field)
{
	struct vmcb_seg *s;
	unsigned part;
	uint64_t *w;
	if (segment_field(field, &s, &part))
		return read_segment(s, part);
	if ((w = state_word(field)))
		return *w;
	struct vmcb *b = cur->vmcb;
	switch (field) {
	case VMCS_GUEST_IA32_EFER: return b->save.efer & ~EFER_SVME; /* SVME is the hypervisor's */
	case VMCS_GUEST_GDTR_BASE: return b->save.gdtr.base;
	case VMCS_GUEST_GDTR_LIMIT: return b->save.gdtr.limit;
	case VMCS_GUEST_IDTR_BASE: return b->save.idtr.base;
	case VMCS_GUEST_IDTR_LIMIT: return b->save.idtr.limit;
	case VMCS_GUEST_INTERRUPTIBILITY: return b->control.int_state & SVM_INT_SHADOW ? BLOCKING_BY_STI : 0;
	case VMCS_ENTRY_INTR_INFO: return b->control.event_inj & LOW32;
	case VMCS_PROC_CONTROLS: return cur->proc;
	case VMCS_PREEMPTION_TIMER_VALUE: return cur->timer_cycles;
	case VMCS_EXIT_REASON:
	case VMCS_EXIT_QUALIFICATION:
	case VMCS_EXIT_INSTRUCTION_LENGTH:
	case VMCS_EXIT_INSTRUCTION_INFO:
	case VMCS_GUEST_LINEAR_ADDRESS:
	case VMCS_GUEST_PHYSICAL_ADDRESS:
	case VMCS_IDT_VECTORING_INFO:
	case VMCS_EXIT_INTR_INFO: return read_exit_info(field);
	case VMCS_GUEST_ACTIVITY_STATE:
	case VMCS_GUEST_PENDING_DBG:
	case VMCS_VM_INSTRUCTION_ERROR: return 0;
	}
	panic("svm_read: VMCS field 0x%llx has no place in the VMCB", (unsigned long long)field);
}

/* Interrupt-window exiting is the VINTR intercept with a virtual interrupt pending (APM Vol. 2,
 * 15.21.4): the exit comes once the guest could take it, and the vector is injected then. */
static void write_proc_controls(uint32_t proc)
{
	struct vmcb_control *c = &cur->vmcb->control;
	cur->proc = proc;
	if (proc & PROC_INTERRUPT_WINDOW_EXITING) {
		c->intercept_misc1 |= SVM_INTERCEPT1_VINTR;
		c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR | (0xfu << SVM_V_INTR_PRIO_SHIFT);
	} else {
		c->intercept_misc1 &= ~SVM_INTERCEPT1_VINTR;
		c->int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR | (0xfu << SVM_V_INTR_PRIO_SHIFT));
	}
}

void svm_write(uint64_t field, uint64_t val)
{
	struct vmcb_seg *s;
	unsigned part;
	uint64_t *w;
	struct vmcb *b = cur->vmcb;
	if (segment_field(field, &s, &part)) {
		write_segment(s, part, val);
		return;
	}
	if ((w = state_word(field))) {
		*w = val;
		return;
	}
	switch (field) {
	case VMCS_GUEST_IA32_EFER: b->save.efer = val | EFER_SVME; return;
	case VMCS_GUEST_GDTR_BASE: b->save.gdtr.base = val; return;
	case VMCS_GUEST_GDTR_LIMIT: b->save.gdtr.limit = (uint32_t)val; return;
	case VMCS_GUEST_IDTR_BASE: b->save.idtr.base = val; return;
	case VMCS_GUEST_IDTR_LIMIT: b->save.idtr.limit = (uint32_t)val; return;
	case VMCS_GUEST_INTERRUPTIBILITY:
		b->control.int_state = val & 3 ? SVM_INT_SHADOW : 0;
		return;
	case VMCS_ENTRY_INTR_INFO: b->control.event_inj = (b->control.event_inj & ~LOW32) | (uint32_t)val; return;
	case VMCS_ENTRY_EXCEPTION_ERROR:
		b->control.event_inj = (b->control.event_inj & LOW32) | (val << SVM_EVENT_ERROR_SHIFT);
		return;
	case VMCS_PROC_CONTROLS: write_proc_controls((uint32_t)val); return;
	case VMCS_PREEMPTION_TIMER_VALUE: cur->timer_cycles = val; return;
	case VMCS_GUEST_ACTIVITY_STATE:
	case VMCS_GUEST_PENDING_DBG:
		if (val == 0)
			return; /* the VMCB has no such state: only "active, nothing pending" is expressible */
		break;
	}
	panic("svm_write: VMCS field 0x%llx (value 0x%llx) has no place in the VMCB", (unsigned long long)field,
	      (unsigned long long)val);
}

/* RFLAGS.TF's single-step trap after an emulated instruction is not raised under SVM (VMX has
 * the pending-debug field for it; the VMCB has none). */
void svm_skip_instruction(void)
{
	struct vmcb *b = cur->vmcb;
	uint64_t len = svm_instruction_length(cur);
	if (!len) {
		const uint8_t *x = cur->exit.bytes;
		vcpu_stop(cur->owner, "%s exit at RIP 0x%llx: the instruction's length is unknown (no NRIP save, "
			  "and not an instruction Tally decodes: %u bytes readable, %02x %02x %02x %02x)",
			  svm_exit_name(b->control.exit_code), (unsigned long long)b->save.rip, cur->exit.fetched, x[0],
			  x[1], x[2], x[3]);
		return;
	}
	svm_skip_bytes((unsigned)len);
}

void svm_skip_bytes(unsigned len)
{
	cur->vmcb->save.rip += len;
	cur->vmcb->control.int_state &= ~SVM_INT_SHADOW;
}

/* APM Vol. 2, 15.20: EVENTINJ; no error code in real mode, RF set for a fault (as under VMX). */
void svm_inject_exception(unsigned vector, bool has_error, uint32_t error)
{
	struct vmcb *b = cur->vmcb;
	uint64_t ev = EVENT_VALID | EVENT_TYPE_EXCEPTION | vector;
	if (!(b->save.cr0 & CR0_PE))
		has_error = false;
	if (vector < 32 && (FAULT_VECTORS & (1u << vector)))
		b->save.rflags |= RFLAGS_RF;
	if (has_error)
		ev |= EVENT_DELIVER_ERROR | ((uint64_t)error << SVM_EVENT_ERROR_SHIFT);
	b->control.event_inj = ev;
}

/* With paging and EFER.LME the guest is in long mode: the CPU sets EFER.LMA when the guest itself
 * sets CR0.PG, Tally does when it writes CR0 for the guest. */
void svm_set_cr0(uint64_t view)
{
	struct vmcb_save *a = &cur->vmcb->save;
	a->cr0 = view;
	if ((view & CR0_PG) && (a->efer & EFER_LME))
		a->efer |= EFER_LMA;
	else
		a->efer &= ~EFER_LMA;
}

static uint64_t *msr_word(uint32_t msr)
{
	struct vmcb_save *a = &cur->vmcb->save;
	switch (msr) {
	case MSR_IA32_STAR: return &a->star;
	case MSR_IA32_LSTAR: return &a->lstar;
	case MSR_IA32_CSTAR: return &a->cstar;
	case MSR_IA32_FMASK: return &a->sfmask;
	case MSR_IA32_KERNEL_GS_BASE: return &a->kernel_gs_base;
	}
	panic("svm_msr: MSR 0x%x is not one VMLOAD/VMSAVE keeps in the VMCB", msr);
}

uint64_t svm_msr_read(uint32_t msr)
{
	return *msr_word(msr);
}

void svm_msr_write(uint32_t msr, uint64_t val)
{
	*msr_word(msr) = val;
}

void svm_dump_state(const char *who)
{
	const struct vmcb *b = cur->vmcb;
	const struct vmcb_save *a = &b->save;
	static const char *const names[SEG_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };
	kprintf("guest %s: guest state: RIP 0x%llx RSP 0x%llx RFLAGS 0x%llx RAX 0x%llx\n", who,
		(unsigned long long)a->rip, (unsigned long long)a->rsp, (unsigned long long)a->rflags,
		(unsigned long long)a->rax);
	kprintf("guest %s:   CR0 0x%llx CR3 0x%llx CR4 0x%llx EFER 0x%llx DR7 0x%llx CPL %u\n", who,
		(unsigned long long)a->cr0, (unsigned long long)a->cr3, (unsigned long long)a->cr4,
		(unsigned long long)a->efer, (unsigned long long)a->dr7, a->cpl);
	for (unsigned s = 0; s < SEG_COUNT; s++) {
		const struct vmcb_seg *g = segment(s);
		kprintf("guest %s:   %-4s sel 0x%04x base 0x%016llx limit 0x%08x attrib 0x%03x\n", who, names[s],
			g->selector, (unsigned long long)g->base, g->limit, g->attrib);
	}
	kprintf("guest %s:   GDTR 0x%llx/0x%x IDTR 0x%llx/0x%x int_state 0x%x int_ctl 0x%x\n", who,
		(unsigned long long)a->gdtr.base, a->gdtr.limit, (unsigned long long)a->idtr.base, a->idtr.limit,
		b->control.int_state, b->control.int_ctl);
	kprintf("guest %s:   exit code 0x%llx (%s) EXITINFO1 0x%llx EXITINFO2 0x%llx EXITINTINFO 0x%llx nCR3 0x%llx "
		"ASID %u\n", who, (unsigned long long)b->control.exit_code, svm_exit_name(b->control.exit_code),
		(unsigned long long)b->control.exit_info1, (unsigned long long)b->control.exit_info2,
		(unsigned long long)b->control.exit_int_info, (unsigned long long)b->control.nested_cr3,
		b->control.asid);
}
