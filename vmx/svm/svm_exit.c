/* svm_exit.c: an SVM exit in VMX terms: its reason, qualification, instruction length and operands. */
#include "kernel/arch/x86.h"
#include "vmx/backend.h"
#include "vmx/exit.h"
#include "vmx/ept.h"
#include "vmx/guest_walk.h"
#include "vmx/svm/svm.h"
#include "vmx/svm/svm_exits.h"
#include "vmx/vcpu.h"

/* SDM Vol. 3C, 28.2.1, Table 28-5: the I/O qualification VMX gives, built from EXITINFO1. */
#define IOQ_IN (1ull << 3)
#define IOQ_STRING (1ull << 4)
#define IOQ_REP (1ull << 5)
#define IOQ_PORT_SHIFT 16
/* SDM Vol. 3C, 28.2.1, Table 28-7: EPT-violation qualification (read, write, fetch). */
#define EPTQ_READ (1ull << 0)
#define EPTQ_WRITE (1ull << 1)
#define EPTQ_FETCH (1ull << 2)
#define EPTQ_LINEAR_VALID (1ull << 7)
#define EPTQ_TRANSLATED (1ull << 8) /* the access itself, not a guest paging-structure walk */
/* SDM Vol. 3C, 28.2.1, Table 28-2: task-switch source in bits 31:30 (CALL, IRET, JMP, task gate). */
#define TSQ_SOURCE_SHIFT 30
/* APM Vol. 2, 15.14.1: task-switch EXITINFO2 bits 36 (IRET) and 38 (JMP). */
#define SVM_TS_IRET (1ull << 36)
#define SVM_TS_JMP (1ull << 38)
#define EXIT_REASON_UNKNOWN 0xffffu
#define SEG_ACCESS_L (1ull << 13)  /* SDM Vol. 3C, 25.4.1: access rights L and D/B */
#define SEG_ACCESS_DB (1ull << 14)
#define MAX_INSTRUCTION 15

uint64_t svm_exit_code_now(void)
{
	return svm_current()->vmcb->control.exit_code;
}

static uint64_t decoded_length(struct svm_vcpu *s);

/* The opcode decides between INVD (0F 08) and WBINVD (0F 09), not the exit code: QEMU 7.2's TCG
 * reports INVD with WBINVD's code. With NRIP save (real AMD CPUs) the code is trusted. */
static uint32_t invd_or_wbinvd(struct svm_vcpu *s)
{
	const struct vmcb_control *c = &s->vmcb->control;
	bool invd = c->exit_code == SVM_EXIT_INVD;
	if (!s->nrips) {
		s->exit.opcode2 = 0;
		decoded_length(s);
		invd = s->exit.opcode2 == 0x08 || (s->exit.opcode2 != 0x09 && invd);
	}
	return invd ? EXIT_REASON_INVD : EXIT_REASON_WBINVD;
}

uint32_t svm_exit_reason_now(void)
{
	const struct vmcb_control *c = &svm_current()->vmcb->control;
	uint32_t reason;
	if (!svm_exit_reason(c->exit_code, &reason))
		return EXIT_REASON_UNKNOWN;
	if (c->exit_code == SVM_EXIT_MSR && c->exit_info1 == 1)
		return EXIT_REASON_WRMSR;
	if (c->exit_code == SVM_EXIT_INVALID || c->exit_code == SVM_EXIT_BUSY)
		return reason | EXIT_REASON_ENTRY_FAILED;
	if (c->exit_code == SVM_EXIT_INVD || c->exit_code == SVM_EXIT_WBINVD)
		return invd_or_wbinvd(svm_current());
	return reason;
}

/* APM Vol. 2, 15.10.2: the size and address size come one-hot (bits 6:4 and 9:7). */
static unsigned one_hot_log2(uint64_t bits)
{
	return bits & 4 ? 2 : bits & 2 ? 1 : 0;
}

/* INS writes ES:rDI, OUTS reads DS:rSI unless a prefix names another segment, which EXITINFO1
 * says with decode assists (bits 12:10, SDM order: ES CS SS DS FS GS); without them DS. */
static uint64_t string_linear(struct svm_vcpu *s, uint64_t info, uint64_t mask)
{
	bool in = info & SVM_IOIO_IN;
	unsigned seg = in ? SEG_ES : SEG_DS;
	if (!in && s->decode_assists)
		seg = (unsigned)SVM_IOIO_SEG(info);
	uint64_t offset = vcpu_gpr(s->owner, in ? GPR_RDI : GPR_RSI) & mask;
	return vcpu_read(VMCS_GUEST_BASE(seg)) + offset;
}

/* The address size of CS's default (SDM Vol. 3A, 3.4.5: L, then D/B): 0 16-bit, 1 32-bit, 2 64-bit. */
static unsigned code_address_size(void)
{
	uint64_t cs = vcpu_read(VMCS_GUEST_ACCESS(SEG_CS));
	if ((vcpu_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) && (cs & SEG_ACCESS_L))
		return 2;
	return cs & SEG_ACCESS_DB ? 1 : 0;
}

/* QEMU 7.2's TCG leaves EXITINFO1's address-size bits clear: then CS's default is taken (an
 * address-size prefix on a string I/O instruction is not seen). */
static void decode_io(struct svm_vcpu *s, uint64_t info)
{
	unsigned addr = SVM_IOIO_ADDR(info) ? one_hot_log2(SVM_IOIO_ADDR(info)) : code_address_size();
	uint64_t mask = addr == 0 ? 0xffffull : addr == 1 ? 0xffffffffull : ~0ull;
	s->exit.qualification = ((1ull << one_hot_log2(SVM_IOIO_SIZE(info))) - 1) | (info & SVM_IOIO_IN ? IOQ_IN : 0) |
				(info & SVM_IOIO_STRING ? IOQ_STRING : 0) | (info & SVM_IOIO_REP ? IOQ_REP : 0) |
				(SVM_IOIO_PORT(info) << IOQ_PORT_SHIFT);
	s->exit.instruction_info = (uint64_t)addr << 7; /* SDM Vol. 3C, Table 28-8: address size, bits 9:7 */
	if (info & SVM_IOIO_STRING)
		s->exit.linear = string_linear(s, info, mask);

}

/* EXITINFO1 is the fault's error code plus where it struck (APM Vol. 2, 15.25.6). The CPU names no
 * linear address: with paging off it is the physical one, else VMX's "linear address valid" is
 * given without the address (0) so the handlers still tell a page-table walk from the access. */
static uint64_t npf_qualification(struct svm_vcpu *s)
{
	const struct vmcb_control *c = &s->vmcb->control;
	uint64_t q = c->exit_info1 & SVM_NPF_WRITE ? EPTQ_WRITE : c->exit_info1 & SVM_NPF_FETCH ? EPTQ_FETCH : EPTQ_READ;
	if (!(s->vmcb->save.cr0 & CR0_PG)) {
		s->exit.linear = c->exit_info2;
		return q | EPTQ_LINEAR_VALID | EPTQ_TRANSLATED;
	}
	if (c->exit_info1 & SVM_NPF_TABLE_WALK)
		return q | EPTQ_LINEAR_VALID;
	if (c->exit_info1 & SVM_NPF_FINAL)
		return q | EPTQ_LINEAR_VALID | EPTQ_TRANSLATED;
	return q;
}

static uint64_t task_switch_qualification(const struct vmcb_control *c)
{
	unsigned source = c->exit_info2 & SVM_TS_IRET ? 1 : c->exit_info2 & SVM_TS_JMP ? 2 :
			  (c->exit_int_info & (1u << 31)) ? 3 : 0;
	return (c->exit_info1 & 0xffff) | ((uint64_t)source << TSQ_SOURCE_SHIFT);
}

void svm_decode_exit(struct svm_vcpu *s)
{
	if (s->exit.decoded)
		return;
	const struct vmcb_control *c = &s->vmcb->control;
	s->exit = (struct svm_exit_info){ .decoded = true };
	switch (c->exit_code) {
	case SVM_EXIT_IOIO:
		decode_io(s, c->exit_info1);
		return;
	case SVM_EXIT_NPF:
		s->exit.qualification = npf_qualification(s);
		return;
	case SVM_EXIT_TASK_SWITCH:
		s->exit.qualification = task_switch_qualification(c);
		return;
	}
}

/* Reads the instruction bytes at CS:RIP (a page boundary may split them); how many were readable. */
static unsigned fetch(struct svm_vcpu *s, uint8_t *bytes)
{
	uint64_t la = s->vmcb->save.cs.base + s->vmcb->save.rip;
	unsigned n = 0;
	for (; n < MAX_INSTRUCTION; n++) {
		uint64_t gpa;
		const uint8_t *p;
		if (!guest_linear_to_physical(s->owner, la + n, &gpa) || !(p = guest_ptr(&s->owner->mem, gpa, 1)))
			break;
		bytes[n] = *p;
	}
	return n;
}

static bool legacy_prefix(uint8_t b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 || b == 0x66 || b == 0x67 ||
	       b == 0xf0 || b == 0xf2 || b == 0xf3;
}

/*
 * Without NRIP save the CPU does not say where the exiting instruction ends. The instructions Tally
 * intercepts and skips have no operands to decode (SDM Vol. 2 and APM Vol. 3 opcode maps): HLT F4;
 * 0F 08 INVD, 0F 09 WBINVD, 0F 30 WRMSR, 0F 32 RDMSR, 0F 33 RDPMC, 0F A2 CPUID; 0F 01 xx for
 * XSETBV, VMMCALL and the SVM instructions; each after any prefixes (and a REX in 64-bit code).
 * 0 when the bytes are none of them.
 */
static uint64_t decoded_length(struct svm_vcpu *s)
{
	uint8_t b[MAX_INSTRUCTION];
	unsigned n = fetch(s, b), i = 0;
	s->exit.fetched = (uint8_t)n;
	for (unsigned k = 0; k < sizeof(s->exit.bytes); k++)
		s->exit.bytes[k] = k < n ? b[k] : 0;
	bool code64 = (s->vmcb->save.efer & EFER_LMA) && (vcpu_read(VMCS_GUEST_ACCESS(SEG_CS)) & SEG_ACCESS_L);
	while (i < n && legacy_prefix(b[i]))
		i++;
	if (code64 && i < n && (b[i] & 0xf0) == 0x40)
		i++;
	if (i < n && b[i] == 0xf4)
		return i + 1;
	if (i + 1 >= n || b[i] != 0x0f)
		return 0;
	s->exit.opcode2 = b[i + 1];
	switch (b[i + 1]) {
	case 0x08: case 0x09: case 0x30: case 0x32: case 0x33: case 0xa2:
		return i + 2;
	case 0x01:
		return i + 2 < n ? i + 3 : 0;
	}
	return 0;
}

uint64_t svm_instruction_length(struct svm_vcpu *s)
{
	const struct vmcb_control *c = &s->vmcb->control;
	if (c->exit_code == SVM_EXIT_IOIO)
		return c->exit_info2 - s->vmcb->save.rip;
	if (s->nrips && c->next_rip)
		return c->next_rip - s->vmcb->save.rip;
	return decoded_length(s);
}

/* A guest cannot use SVM under Tally (CPUID hides it; its EFER.SVME, which VMRUN needs set, reads
 * 0): VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT and INVLPGA raise #UD, as on a CPU without SVM. */
void handle_svm_instruction(struct vcpu *v, uint32_t reason)
{
	vcpu_report(v, "%s (exit reason %u) at RIP 0x%llx: #UD injected", exit_reason_name(reason), reason,
		    (unsigned long long)vcpu_read(VMCS_GUEST_RIP));
	vcpu_inject_exception(VECTOR_UD, false, 0);
}
