/* cpuid_leaves.c: the CPUID exit: host leaves with VT-x hidden, and the CMPE 283 statistics leaves. */
#include <string.h>

#include "kernel/console.h"
#include "kernel/options.h"
#include "vmx/caps.h"
#include "vmx/cpuid_leaves.h"
#include "vmx/exit.h"
#include "vmx/vcpu.h"
#include "vmx/backend.h"
#include "vmx/vmx.h"

/* Intel SDM Vol. 2A, CPUID. */
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_HYPERVISOR (1u << 31) /* reserved for hypervisors: "running under one" */
/* Leaf 1 bits of what Tally does not emulate or a guest must not drive from inside: MCE/MCA,
 * debug store, thermal monitors, SpeedStep, MONITOR/MWAIT (MWAIT would sleep the host CPU), PDCM
 * (IA32_PERF_CAPABILITIES). */
#define CPUID_1_EDX_HIDDEN ((1u << 7) | (1u << 14) | (1u << 21) | (1u << 22) | (1u << 29) | (1u << 31))
#define CPUID_1_ECX_HIDDEN ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 7) | (1u << 8) | (1u << 15))
/* What the emulated local APIC offers (vmx/dev_lapic.c), whatever the host has: the APIC (EDX 9,
 * clear while IA32_APIC_BASE disables it, SDM Vol. 3A, 11.4.3), x2APIC (ECX 21), the TSC-deadline
 * timer (ECX 24); EBX 31:24 is the initial APIC ID, 0. */
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_EBX_APIC_ID 0xff000000u
#define CPUID_LEAF_MONITOR 0x5u
#define CPUID_LEAF_POWER 0x6u  /* thermal and power management: nothing of it is emulated */
#define CPUID_LEAF_EXTENDED 0x7u
/* Leaf 7.0: TSC_ADJUST (EBX 1) and INVPCID (EBX 10, #UD without its VM-execution control);
 * WAITPKG (ECX 5) and RDPID (ECX 22) likewise; LA57 (ECX 16): a Linux guest that turns on 5-level
 * paging under SVM in QEMU TCG (-cpu max has it) triple-faults early, so Tally does not offer it;
 * EDX 26-31: speculation-control MSRs not emulated. */
#define CPUID_7_EBX_HIDDEN ((1u << 1) | (1u << 10))
#define CPUID_7_ECX_HIDDEN ((1u << 5) | (1u << 16) | (1u << 22))
#define CPUID_7_EDX_HIDDEN 0xfc000000u
#define CPUID_LEAF_TOPOLOGY 0xbu /* EDX: the x2APIC ID of the CPU that asks: the guest's, 0 */
#define CPUID_LEAF_TOPOLOGY2 0x1fu
#define CPUID_LEAF_XSAVE 0xdu
#define CPUID_D1_EAX_XSAVES (1u << 3) /* #UD without "enable XSAVES/XRSTORS" */
#define CPUID_DI_ECX_ALIGN64 (1u << 1) /* component i starts 64-byte aligned in the compacted form */
#define XSAVE_LEGACY_AND_HEADER 576u  /* SDM Vol. 1, 13.4: 512 bytes of legacy area, 64 of header */
#define CPUID_LEAF_EXT_FEATURES 0x80000001u
#define CPUID_81_EDX_RDTSCP (1u << 27) /* #UD without "enable RDTSCP" */
#define CPUID_81_ECX_SVM (1u << 2)     /* AMD APM Vol. 3, CPUID Fn8000_0001: SVM, hidden like VMX */
#define CPUID_LEAF_SVM 0x8000000au     /* SVM revision and features: nothing for a guest */
#define CPUID_LEAF_PERFMON 0xau
#define CPUID_LEAF_TSC_RATIO 0x15u
#define CPUID_LEAF_FREQUENCY 0x16u
#define HV_LEAF_FIRST 0x40000000u
#define HV_LEAF_LAST 0x4fffffffu

struct stat_leaf {
	enum tally_abi abi;
	uint32_t leaf;
	enum tally_query query;
};
#define STAT_LEAF_ENTRY(abi, leaf, query) { abi, leaf, query },
static const struct stat_leaf stat_leaves[] = { TALLY_STAT_LEAVES(STAT_LEAF_ENTRY) };
#undef STAT_LEAF_ENTRY

enum { OWN_LEAF_HIGHEST = TALLY_LEAF_HIGHEST }; /* evaluated apart: TALLY_STAT_LEAVES cannot nest */
#define OWN_LEAF_IN_RANGE(a, leaf, query)                                                     \
	_Static_assert((a) != TALLY_ABI_ALL || ((leaf) > TALLY_LEAF_SIGNATURE && (leaf) <= OWN_LEAF_HIGHEST), \
		       "Tally's own leaves must be 0x40000001..TALLY_LEAF_HIGHEST");
TALLY_STAT_LEAVES(OWN_LEAF_IN_RANGE)
#undef OWN_LEAF_IN_RANGE

static enum tally_abi abi = TALLY_ABI_4LEAF;
static bool scope_global; /* cpuid_scope=global: the leaves answer the totals over all guests */

static void read_scope(void)
{
	int choice = option_choice("cpuid_scope");
	scope_global = choice == 1; /* CPUID_SCOPE_VALUES: guest, global */
	if (choice == -2) {
		char words[32];
		log_err("command line: cpuid_scope=%s is not %s: using guest\n", option_get("cpuid_scope"),
			option_values("cpuid_scope", ", ", " or ", words, sizeof(words)));
	}
}

void cpuid_leaves_init(void)
{
	read_scope();
	int choice = option_choice("cpuid_abi");
	abi = choice >= 0 ? (enum tally_abi)choice : TALLY_ABI_4LEAF;
	if (choice == -2) {
		char words[64];
		log_err("command line: cpuid_abi=%s is not one of %s: using %s\n", option_get("cpuid_abi"),
			option_values("cpuid_abi", ", ", ", ", words, sizeof(words)), tally_abi_name(abi));
	}
}

static void split64(uint64_t v, struct cpuid_regs *r)
{
	r->ebx = (uint32_t)(v >> 32);
	r->ecx = (uint32_t)v;
}

/* p50, p90 and p99 of reason's exits: the asking guest's histogram, or every guest's summed
 * (cpuid_scope=global, as the table over all guests). */
static void answer_percentiles(const struct exit_stat *e, const struct vcpu *asking, uint32_t reason,
			       struct cpuid_regs *r)
{
	static const unsigned pct[3] = { 50, 90, 99 };
	uint64_t row[EXIT_HIST_BUCKETS] = { 0 };
	for (size_t i = 0; i < vmx_vcpu_count(); i++) {
		const struct vcpu *v = vmx_vcpu(i);
		if (asking && v != asking)
			continue;
		for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
			row[b] += v->hist.n[reason][b];
	}
	uint32_t *out[3] = { &r->eax, &r->ebx, &r->ecx };
	for (int i = 0; i < 3; i++) {
		uint64_t p = exit_hist_row_percentile(row, pct[i], e->min == UINT64_MAX ? 0 : e->min, e->max);
		*out[i] = p > UINT32_MAX ? UINT32_MAX : (uint32_t)p;
	}
}

static void answer_reason(const struct exit_stats *s, const struct vcpu *asking, enum tally_query q, uint32_t reason,
			  struct cpuid_regs *r)
{
	enum exit_reason_kind kind = exit_reason_kind(reason);
	if (kind == REASON_UNDEFINED || kind == REASON_RESERVED) {
		r->edx = TALLY_UNDEFINED_REASON_EDX;
		return;
	}
	if (kind == REASON_NEVER_ENABLED)
		return;
	const struct exit_stat *e = &s->reason[reason];
	switch (q) {
	case TALLY_Q_REASON_EXITS: r->eax = (uint32_t)e->count; break;
	case TALLY_Q_REASON_CYCLES: split64(e->cycles, r); break;
	case TALLY_Q_REASON_EXITS64: split64(e->count, r); break;
	case TALLY_Q_REASON_MIN_CYCLES: split64(e->min == UINT64_MAX ? 0 : e->min, r); break;
	case TALLY_Q_REASON_MAX_CYCLES: split64(e->max, r); break;
	case TALLY_Q_REASON_PERCENTILES: answer_percentiles(e, asking, reason, r); break;
	default: break; /* the totals are answered by answer() */
	}
}

static void answer(const struct exit_stats *s, const struct vcpu *asking, enum tally_query q, uint32_t ecx,
		   struct cpuid_regs *r)
{
	switch (q) {
	case TALLY_Q_TOTAL_EXITS: r->eax = (uint32_t)s->count; return;
	case TALLY_Q_TOTAL_CYCLES: split64(s->cycles, r); return;
	case TALLY_Q_TOTAL_EXITS_CYCLES: r->eax = (uint32_t)s->count; split64(s->cycles, r); return;
	case TALLY_Q_TOTAL_EXITS64: split64(s->count, r); return;
	case TALLY_Q_REASON_EXITS:
	case TALLY_Q_REASON_CYCLES:
	case TALLY_Q_REASON_EXITS64:
	case TALLY_Q_REASON_MIN_CYCLES:
	case TALLY_Q_REASON_MAX_CYCLES:
	case TALLY_Q_REASON_PERCENTILES: answer_reason(s, asking, q, ecx, r); return;
	case TALLY_Q_BACKEND:
		r->eax = backend == BACKEND_SVM ? TALLY_BACKEND_SVM : TALLY_BACKEND_VMX;
		r->ebx = backend_timer_reason();
		return;
	}
}

void cpuid_hypervisor_leaf(const struct exit_stats *s, const struct vcpu *asking, uint32_t leaf, uint32_t ecx,
			   struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0 };
	if (leaf == TALLY_LEAF_SIGNATURE) {
		*r = (struct cpuid_regs){ TALLY_LEAF_HIGHEST, TALLY_SIGNATURE_EBX, TALLY_SIGNATURE_ECX,
					  TALLY_SIGNATURE_EDX };
		return;
	}
	for (unsigned i = 0; i < sizeof(stat_leaves) / sizeof(stat_leaves[0]); i++)
		if (stat_leaves[i].leaf == leaf && (stat_leaves[i].abi == abi || stat_leaves[i].abi == TALLY_ABI_ALL)) {
			answer(s, asking, stat_leaves[i].query, ecx, r);
			return;
		}
	/* Any other hypervisor leaf answers all zeros. */
}

/* Leaf 1: VT-x hidden, the hypervisor bit set, OSXSAVE as the guest's CR4 says, the APIC's bits
 * from the emulated APIC. */
static void mask_leaf1(const struct vcpu *v, struct cpuid_regs *r)
{
	r->ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_HIDDEN);
	r->ecx |= CPUID_1_ECX_HYPERVISOR | CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE;
	if (vcpu_read(VMCS_CR4_READ_SHADOW) & CR4_OSXSAVE)
		r->ecx |= CPUID_1_ECX_OSXSAVE;
	r->edx &= ~(CPUID_1_EDX_HIDDEN | CPUID_1_EDX_APIC);
	if (lapic_enabled(&v->plat.lapic))
		r->edx |= CPUID_1_EDX_APIC;
	r->ebx &= ~CPUID_1_EBX_APIC_ID;
}

/*
 * CPUID.(EAX=0DH,ECX=1):EBX: the size of an XSAVEC/XSAVES (compacted) area for the components
 * xcr0 enables: the legacy area and header, then each enabled component after the one before,
 * 64-byte aligned where CPUID.(0DH,i):ECX[1] says (SDM Vol. 1, 13.4.3). Computed rather than
 * passed on: Bochs answers the standard format's size there, and Linux 6.1, which compacts with
 * XSAVEC when XSAVES is hidden, then reports an "XSAVE consistency problem". XSAVES is hidden,
 * so no IA32_XSS component counts.
 */
static uint32_t xsave_compacted_size(uint64_t xcr0)
{
	uint32_t size = XSAVE_LEGACY_AND_HEADER;
	for (unsigned i = 2; i < 63; i++) {
		struct cpuid_regs c;
		if (!(xcr0 >> i & 1))
			continue;
		cpuid(CPUID_LEAF_XSAVE, i, &c);
		if (c.ecx & CPUID_DI_ECX_ALIGN64)
			size = (size + 63) & ~63u;
		size += c.eax;
	}
	return size;
}

/* The host's answer, minus what a guest must not see or would misread. */
static void host_leaf(const struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	cpuid(leaf, sub, r);
	switch (leaf) {
	case 1:
		mask_leaf1(v, r);
		return;
	case CPUID_LEAF_MONITOR:
	case CPUID_LEAF_POWER:
	case CPUID_LEAF_PERFMON: /* no counters: RDPMC raises #GP (exit_cpu.c) */
	case CPUID_LEAF_TSC_RATIO:
	case CPUID_LEAF_FREQUENCY:
	case CPUID_LEAF_SVM:
		/* 0x15/0x16: Bochs claims a multi-GHz TSC here while its TSC runs at the ips rate
		 * (MACHINES.md): without these leaves a guest calibrates its TSC against the PIT. */
		*r = (struct cpuid_regs){ 0 };
		return;
	case CPUID_LEAF_EXTENDED:
		if (sub == 0) {
			r->ebx &= ~CPUID_7_EBX_HIDDEN;
			r->ecx &= ~CPUID_7_ECX_HIDDEN;
			r->edx &= ~CPUID_7_EDX_HIDDEN;
		}
		return;
	case CPUID_LEAF_TOPOLOGY:
	case CPUID_LEAF_TOPOLOGY2:
		r->edx = 0;
		return;
	case CPUID_LEAF_XSAVE:	/* XCR0 is the guest's while its exit is handled (vcpu_switch.c) */
		if (sub == 1) {
			r->eax &= ~CPUID_D1_EAX_XSAVES;
			if (read_cr4() & CR4_OSXSAVE)	/* backend.c sets it where the CPU has XSAVE */
				r->ebx = xsave_compacted_size(xgetbv(0));
		}
		return;
	case CPUID_LEAF_EXT_FEATURES:
		r->edx &= ~CPUID_81_EDX_RDTSCP;
		r->ecx &= ~CPUID_81_ECX_SVM;
		return;
	}
}

void handle_cpuid(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint32_t leaf = (uint32_t)vcpu_gpr(v, GPR_RAX), sub = (uint32_t)vcpu_gpr(v, GPR_RCX);
	struct cpuid_regs r;
	if (leaf >= HV_LEAF_FIRST && leaf <= HV_LEAF_LAST)
		cpuid_hypervisor_leaf(scope_global ? exit_stats_global() : &v->stats, scope_global ? NULL : v, leaf, sub, &r);
	else
		host_leaf(v, leaf, sub, &r);
	vcpu_set_gpr(v, GPR_RAX, r.eax);
	vcpu_set_gpr(v, GPR_RBX, r.ebx);
	vcpu_set_gpr(v, GPR_RCX, r.ecx);
	vcpu_set_gpr(v, GPR_RDX, r.edx);
	vcpu_skip_instruction();
}
