/* jit_x86.c: the translator's back end: one MIPS basic block to x86-64 machine code. */
#include "jit.h"
#include "jit_x86_asm.h"

#if MIPS_PORT_JIT

/*
 * Register use in generated code (System V AMD64 ABI for the stub's own entry):
 *   rbp: the struct mips_vm     r14: instructions left in the slice (64-bit)
 *   rax rcx rdx: scratch
 *   rbx rsi rdi r8-r13 r15: up to ten guest registers of the block, loaded at its entry and stored
 *   back at each of its exits (the guest's other registers stay in struct mips_vm).
 */
#define REG_VM		RBP
#define REG_LEFT	R14
#define NALLOC		10
static const uint8_t alloc_regs[NALLOC] = { RBX, RSI, RDI, R8, R9, R10, R11, R12, R13, R15 };
#define LOOP_WEIGHT	16	/* a use inside the loop back to the block's start, against one outside */

#define OFF_R(r)	((int32_t)(offsetof(struct mips_vm, r) + 4 * (r)))
#define OFF(field)	((int32_t)offsetof(struct mips_vm, field))
_Static_assert(sizeof(struct mips_tlb) == 16 && MIPS_TLB_SIZE <= 64,
	       "the inlined TLB probe indexes entries of 16 bytes as 2 * (page & (MIPS_TLB_SIZE - 1)) * 8");
_Static_assert(offsetof(struct mips_tlb, addend) == 8, "the TLB probe reads the addend at +8");

/* A jcc to the cold lines after the block: instruction k goes to the interpreter, or (a branch
 * taken in the middle of the block) the block is left for target once k has run. */
struct side {
	uint32_t at;		/* the jcc's rel32 */
	uint8_t k;
	bool branch;
	uint32_t target;
};

/* A load or store's guest address: the 32-bit sum of a register and a displacement. */
struct addr {
	int base;
	int32_t disp;
};

/* A load or store site's miss: the TLB probe in the cold lines, which fills the site and goes back. */
struct probe {
	uint32_t at, back;	/* the jne's rel32; where the access goes on with rdx = the addend */
	uint8_t k, align;	/* instruction, alignment */
	bool write;		/* a store: the write TLB, a store site */
	struct addr a;
	int32_t site;		/* the site's offset in struct mips_vm */
};

/*
 * What the flags say after instruction flags_k (the one just emitted, if any), for a branch on its
 * result: FLAGS_RESULT, ZF and SF are those of guest register flags_reg's new value (an ALU
 * operation's result); FLAGS_SLT, flags_cc holds exactly when flags_reg (an slt's result) is 1.
 */
enum { FLAGS_NONE, FLAGS_RESULT, FLAGS_SLT };

struct emit {
	struct x86_code c;
	struct mips_vm *vm;
	const uint8_t *exit;	/* the stub's exit path */
	uint32_t pc0, n;	/* the block: first pc, instructions */
	int8_t host[32];	/* guest register -> host register, or -1 */
	uint32_t written;	/* guest registers held in host registers that the block writes */
	uint32_t body;		/* offset of the first instruction, after the loads */
	struct side side[3 * MIPS_JIT_BLOCK_MAX];
	unsigned nside;
	uint32_t budget_fail;	/* the rel32 of the entry's jump when the budget is short */
	struct mips_jit_link *links;
	unsigned nlinks;
	struct probe probe[MIPS_JIT_BLOCK_MAX];	/* the sites' TLB probes, cold */
	unsigned nprobe;
	unsigned k;		/* the instruction being emitted */
	uint8_t flags, flags_reg, flags_cc;
	unsigned flags_k;
};

/* Notes what the flags just set say (see FLAGS_RESULT), for a branch right after. */
static void flags_are(struct emit *e, int kind, unsigned reg, int cc)
{
	e->flags = (uint8_t)kind, e->flags_reg = (uint8_t)reg, e->flags_cc = (uint8_t)cc, e->flags_k = e->k;
}

/* ---- guest registers ---- */

static struct rm G(const struct emit *e, unsigned r) { return e->host[r] >= 0 ? R(e->host[r]) : M(REG_VM, OFF_R(r)); }

/* host register dst = guest register r ($zero reads 0). */
static void ld(struct emit *e, int dst, unsigned r)
{
	if (!r)
		op1(&e->c, 0x31, dst, R(dst));	/* xor dst, dst */
	else if (e->host[r] != dst)
		mov_r_rm(&e->c, dst, G(e, r));
}
/* The same without touching the flags. */
static void ld_keep(struct emit *e, int dst, unsigned r)
{
	if (!r)
		mov_r_imm(&e->c, dst, 0);
	else
		ld(e, dst, r);
}
/* guest register r = host register src (writes to $zero vanish). */
static void st(struct emit *e, unsigned r, int src)
{
	if (r)
		mov_rm_r(&e->c, G(e, r), src);
}
static void st_imm(struct emit *e, unsigned r, uint32_t v)
{
	if (r)
		mov_rm_imm(&e->c, G(e, r), v);
}

static void writeback(struct emit *e)
{
	for (unsigned r = 1; r < 32; r++)
		if (e->written >> r & 1)
			mov_rm_r(&e->c, M(REG_VM, OFF_R(r)), e->host[r]);
}

/* ---- exits ---- */

/* A jcc (condition cc) to the interpreter for instruction k. */
static void side_exit(struct emit *e, int cc, unsigned k)
{
	if (e->nside < sizeof e->side / sizeof e->side[0])
		e->side[e->nside++] = (struct side){ jcc_fwd(&e->c, cc), (uint8_t)k, false, 0 };
	else
		e->c.overflow = true;
}

static void exit_with(struct emit *e, uint32_t pc, uint32_t info)
{
	mov_rm_imm(&e->c, M(REG_VM, OFF(pc)), pc);
	mov_r_imm(&e->c, RAX, info);
	jmp_to(&e->c, e->exit);
}

/*
 * Leaves the block for pc once executed of its instructions ran: a direct jump, first to the lines
 * after it, which hand the dispatcher its own address to patch once the block at pc exists. A jump
 * back to this block's start stays inside while the budget lasts, the guest registers in host
 * registers (r14 is what is left minus the whole block: executed more come off for the next turn).
 */
static void exit_to(struct emit *e, uint32_t pc, unsigned executed)
{
	if (pc == e->pc0) {
		alu_imm_w(&e->c, ALU_SUB, R(REG_LEFT), executed, true);
		jcc_back(&e->c, CC_AE, e->body);
		alu_imm_w(&e->c, ALU_ADD, R(REG_LEFT), e->n, true);
		writeback(e);
		exit_with(e, pc, MIPS_JIT_EXIT_BUDGET);
		return;
	}
	if (executed < e->n)
		alu_imm_w(&e->c, ALU_ADD, R(REG_LEFT), e->n - executed, true);
	writeback(e);
	size_t site = e->c.len;
	if (e->nlinks < MIPS_JIT_LINKS_MAX)
		e->links[e->nlinks++] = (struct mips_jit_link){ (uint32_t)site, pc };
	b1(&e->c, 0xe9);
	b4(&e->c, 0);
	mov_rm_imm(&e->c, M(REG_VM, OFF(pc)), pc);
	b1(&e->c, 0x48), b1(&e->c, 0x8d), b1(&e->c, 0x05);	/* lea rax, [rip + site - next] */
	b4(&e->c, (uint32_t)((int64_t)site - (int64_t)(e->c.len + 4)));
	jmp_to(&e->c, e->exit);
}

/* The cold lines after the block: branches taken midway, and one exit per instruction some check
 * sends to the interpreter. */
static void emit_side_exits(struct emit *e)
{
	for (unsigned i = 0; i < e->nside;) {
		unsigned k = e->side[i].k;
		if (e->side[i].branch) {
			put_rel32(&e->c, e->side[i].at, e->c.len);
			exit_to(e, e->side[i].target, k + 1);
			i++;
			continue;
		}
		for (; i < e->nside && e->side[i].k == k && !e->side[i].branch; i++)
			put_rel32(&e->c, e->side[i].at, e->c.len);
		writeback(e);
		alu_imm_w(&e->c, ALU_ADD, R(REG_LEFT), e->n - k, true);
		exit_with(e, e->pc0 + 4 * k, MIPS_JIT_EXIT_INTERP);
	}
}

/* ---- instructions ---- */

static bool is_branch(unsigned id)
{
	switch (id) {
	case MIPS_I_JR: case MIPS_I_JALR: case MIPS_I_J: case MIPS_I_JAL: case MIPS_I_BEQ: case MIPS_I_BNE:
	case MIPS_I_BLEZ: case MIPS_I_BGTZ: case MIPS_I_BLTZ: case MIPS_I_BGEZ: case MIPS_I_BLTZAL:
	case MIPS_I_BGEZAL: case MIPS_I_BC1F: case MIPS_I_BC1T:
		return true;
	default:
		return false;
	}
}

/*
 * The unconditional jumps (b among them): a block ends with one. So does a conditional branch
 * backward, a loop's end: its block is the loop's own, so a slice that ends in the loop has
 * at most the loop's length to go in the interpreter (a block runs only with the budget for all
 * of it), and the loop's code after it belongs to the block it falls through to.
 */
static bool is_jump(const struct mips_op *op)
{
	return op->id == MIPS_I_J || op->id == MIPS_I_JAL || op->id == MIPS_I_JR || op->id == MIPS_I_JALR ||
	       (op->id == MIPS_I_BEQ && op->rs == op->rt);	/* b: beq $zero, $zero */
}

/* The instructions translated (jit.h); every other one (syscalls, para-instructions, the FPU's arithmetic,
 * unaligned word halves, doubleword FPU loads and stores, reserved words) runs in the interpreter. */
bool mips_jitx_translatable(const struct mips_op *op)
{
	switch (op->id) {
	case MIPS_I_SLL: case MIPS_I_SRL: case MIPS_I_ROTR: case MIPS_I_SRA: case MIPS_I_SLLV: case MIPS_I_SRLV:
	case MIPS_I_ROTRV: case MIPS_I_SRAV: case MIPS_I_MOVZ: case MIPS_I_MOVN: case MIPS_I_SYNC:
	case MIPS_I_MFHI: case MIPS_I_MTHI: case MIPS_I_MFLO: case MIPS_I_MTLO: case MIPS_I_MULT:
	case MIPS_I_MULTU: case MIPS_I_DIV: case MIPS_I_DIVU: case MIPS_I_MADD: case MIPS_I_MADDU: case MIPS_I_MSUB:
	case MIPS_I_MSUBU: case MIPS_I_ADD: case MIPS_I_ADDU: case MIPS_I_SUB: case MIPS_I_SUBU: case MIPS_I_AND:
	case MIPS_I_OR: case MIPS_I_XOR: case MIPS_I_NOR: case MIPS_I_SLT: case MIPS_I_SLTU: case MIPS_I_TGE:
	case MIPS_I_TGEU: case MIPS_I_TLT: case MIPS_I_TLTU: case MIPS_I_TEQ: case MIPS_I_TNE: case MIPS_I_TGEI:
	case MIPS_I_TGEIU: case MIPS_I_TLTI: case MIPS_I_TLTIU: case MIPS_I_TEQI: case MIPS_I_TNEI:
	case MIPS_I_ADDI: case MIPS_I_ADDIU: case MIPS_I_SLTI: case MIPS_I_SLTIU: case MIPS_I_ANDI: case MIPS_I_ORI:
	case MIPS_I_XORI: case MIPS_I_LUI: case MIPS_I_MUL: case MIPS_I_CLZ: case MIPS_I_CLO: case MIPS_I_EXT:
	case MIPS_I_WSBH: case MIPS_I_SEB: case MIPS_I_SEH: case MIPS_I_LB: case MIPS_I_LH: case MIPS_I_LW:
	case MIPS_I_LL: case MIPS_I_LBU: case MIPS_I_LHU: case MIPS_I_SB: case MIPS_I_SH: case MIPS_I_SW:
	case MIPS_I_SC: case MIPS_I_MFC1: case MIPS_I_MTC1: case MIPS_I_MOVF: case MIPS_I_MOVT: case MIPS_I_LWC1:
	case MIPS_I_SWC1:
		return true;
	case MIPS_I_INS:	/* pos > size - 1 is reserved: the interpreter reports it */
		return op->rd >= op->imm;
	default:
		return is_branch(op->id);
	}
}

/* The guest registers op reads and writes, as masks. */
static void regs_of(const struct mips_op *op, uint32_t *rd, uint32_t *wr)
{
	const char *ops = mips_insn_table[op->id].ops;
	uint32_t r = 0, w = 0;

	for (const char *p = ops; *p; p++) {
		switch (*p) {
		case 'd': w |= 1u << op->rd; break;
		case 's': case 'm': r |= 1u << op->rs; break;
		case 't': r |= 1u << op->rt; break;
		case 'U': w |= 1u << op->rd; break;
		default: break;
		}
	}
	switch (op->id) {	/* destinations the operand letters call sources */
	case MIPS_I_ADDI: case MIPS_I_ADDIU: case MIPS_I_SLTI: case MIPS_I_SLTIU: case MIPS_I_ANDI: case MIPS_I_ORI:
	case MIPS_I_XORI: case MIPS_I_LUI: case MIPS_I_LB: case MIPS_I_LH: case MIPS_I_LW: case MIPS_I_LL:
	case MIPS_I_LBU: case MIPS_I_LHU: case MIPS_I_EXT: case MIPS_I_MFC1:
		w |= 1u << op->rt, r &= ~(op->rs == op->rt ? 0 : 1u << op->rt);
		break;
	case MIPS_I_INS: case MIPS_I_SC:
		w |= 1u << op->rt;
		break;
	case MIPS_I_MOVZ: case MIPS_I_MOVN: case MIPS_I_MOVF: case MIPS_I_MOVT:
		r |= 1u << op->rd;
		break;
	case MIPS_I_JAL: case MIPS_I_BLTZAL: case MIPS_I_BGEZAL:
		w |= 1u << 31;
		break;
	default:
		break;
	}
	*rd = r, *wr = w;
}

/*
 * rs + imm, the address of a load or store: rs's own register and imm, or eax. The access itself
 * adds them in 64 bits ([rdx + reg + imm]), which is the 32-bit sum unless that wraps; a wrapped
 * address lies within 32 KiB of 0 or of 4 GiB, where no segment is, so no site ever holds its page
 * (the site check takes the 32-bit sum) and it goes to the interpreter.
 */
_Static_assert(MIPS_TEXT_BASE >= 0x8000 && MIPS_KDATA_TOP <= 0xffff8000u, "no segment within 32 KiB of the wrap");
static struct addr address(struct emit *e, const struct mips_op *op)
{
	if (op->rs && e->host[op->rs] >= 0)
		return (struct addr){ e->host[op->rs], (int32_t)op->imm };
	if (!op->rs) {
		mov_r_imm(&e->c, RAX, op->imm);
	} else {
		ld(e, RAX, op->rs);
		if (op->imm)
			alu_rm_imm(&e->c, ALU_ADD, R(RAX), op->imm);
	}
	return (struct addr){ RAX, 0 };
}

/* dst = the 32-bit address a. */
static void address_to(struct emit *e, int dst, struct addr a)
{
	if (a.disp)
		op1(&e->c, 0x8d, dst, M(a.base, a.disp));	/* lea dst, [base + disp] */
	else
		mov_r_rm(&e->c, dst, R(a.base));
}

/*
 * The memory fast path: a (a register) holds the guest address, aligned to align (else the
 * interpreter reports it); on a hit in mem.c's TLB (tlb: rtlb or wtlb) rdx + a is the host byte
 * (the entry's addend). A miss, a page mem.c keeps out of the TLB (text for stores, a clean page,
 * one outside memory) goes to the interpreter, which takes mem.c's slow path.
 */
static void tlb_probe(struct emit *e, unsigned k, unsigned align, int32_t tlb, struct addr a)
{
	address_to(e, RDX, a);
	if (align > 1)	/* the page number, the two low address bits above it: unaligned misses */
		shift_imm(&e->c, SH_ROR, RDX, MIPS_PAGE_SHIFT);
	else
		shift_imm(&e->c, SH_SHR, RDX, MIPS_PAGE_SHIFT);
	op1(&e->c, 0x8d, RCX, MX(RDX, RDX, 1, 0));	/* lea ecx, [rdx + rdx]: the entry, in 8-byte units */
	alu_rm_imm(&e->c, ALU_AND, R(RCX), 2 * (MIPS_TLB_SIZE - 1));
	if (align > 1)
		alu_rm_imm(&e->c, ALU_AND, R(RDX), 0x000fffffu | (align - 1) << 20);
	op1(&e->c, 0x3b, RDX, MX(REG_VM, RCX, 8, tlb));	/* cmp edx, [rbp + rcx * 8 + tlb].vpn */
	side_exit(e, CC_NE, k);
	op1w(&e->c, 0x8b, RDX, MX(REG_VM, RCX, 8, tlb + 8));	/* mov rdx, [...].addend */
}

/*
 * A load or store's site: the address masked to its page, the low bits kept an unaligned access
 * needs, against the page the site last reached; on a hit rdx = its addend and the returned
 * operand is the host bytes. A miss goes to mem.c's TLB in the cold lines (emit_probes), which
 * refills the site. Stores have sites of their own (jit_wsite), filled only from the write TLB,
 * so a store site's page is never text, and is dirty while the site holds it (mem.c).
 */
static struct rm site_access(struct emit *e, unsigned k, unsigned align, struct addr a, bool write)
{
	uint32_t slot = e->vm->jit_next_site++ % MIPS_JIT_SITES;
	int32_t site = (write ? OFF(jit_wsite) : OFF(jit_site)) + (int32_t)(sizeof(struct mips_jit_site) * slot);

	address_to(e, RDX, a);
	alu_rm_imm(&e->c, ALU_AND, R(RDX), ~(uint32_t)(MIPS_PAGE_SIZE - 1) | (align - 1));
	op1(&e->c, 0x3b, RDX, M(REG_VM, site));	/* cmp edx, [site].page */
	uint32_t miss = jcc_fwd(&e->c, CC_NE);
	op1w(&e->c, 0x8b, RDX, M(REG_VM, site + 8));	/* mov rdx, [site].addend */
	if (e->nprobe < MIPS_JIT_BLOCK_MAX)
		e->probe[e->nprobe++] = (struct probe){ miss, (uint32_t)e->c.len, (uint8_t)k, (uint8_t)align, write, a, site };
	else
		e->c.overflow = true;
	return MX(RDX, a.base, 1, a.disp);
}

static void emit_load(struct emit *e, const struct mips_op *op, unsigned k)
{
	static const uint8_t movx[][2] = { { 0x0f, 0xbe }, { 0x0f, 0xb6 }, { 0x0f, 0xbf }, { 0x0f, 0xb7 } };
	unsigned align = op->id == MIPS_I_LB || op->id == MIPS_I_LBU ? 1 : op->id == MIPS_I_LH || op->id == MIPS_I_LHU ? 2 : 4;
	int dst = op->id != MIPS_I_LWC1 && op->rt && e->host[op->rt] >= 0 ? e->host[op->rt] : RAX;
	struct rm host = site_access(e, k, align, address(e, op), false);

	switch (op->id) {
	case MIPS_I_LB: insn(&e->c, false, false, movx[0], 2, dst, host); break;
	case MIPS_I_LBU: insn(&e->c, false, false, movx[1], 2, dst, host); break;
	case MIPS_I_LH: insn(&e->c, false, false, movx[2], 2, dst, host); break;
	case MIPS_I_LHU: insn(&e->c, false, false, movx[3], 2, dst, host); break;
	default: mov_r_rm(&e->c, dst, host); break;
	}
	if (op->id == MIPS_I_LWC1)
		mov_rm_r(&e->c, M(REG_VM, OFF(fpr) + 4 * op->rt), RAX);
	else if (dst == RAX)
		st(e, op->rt, RAX);
}

/* The sites' misses (cold): a hit in mem.c's TLB fills the site (page, addend) and goes back to
 * the access; a miss there goes to the interpreter. */
static void emit_probes(struct emit *e)
{
	for (unsigned i = 0; i < e->nprobe; i++) {
		const struct probe *p = &e->probe[i];
		put_rel32(&e->c, p->at, e->c.len);
		tlb_probe(e, p->k, p->align, p->write ? OFF(wtlb) : OFF(rtlb), p->a);
		address_to(e, RCX, p->a);
		alu_rm_imm(&e->c, ALU_AND, R(RCX), ~(uint32_t)(MIPS_PAGE_SIZE - 1));
		mov_rm_r(&e->c, M(REG_VM, p->site), RCX);
		op1w(&e->c, 0x89, RDX, M(REG_VM, p->site + 8));	/* mov [site].addend, rdx */
		b1(&e->c, 0xe9);
		b4(&e->c, 0);
		put_rel32(&e->c, (uint32_t)e->c.len - 4, p->back);
	}
}

static void emit_store(struct emit *e, const struct mips_op *op, unsigned k)
{
	unsigned align = op->id == MIPS_I_SB ? 1 : op->id == MIPS_I_SH ? 2 : 4;
	struct rm host = site_access(e, k, align, address(e, op), true);
	int v = RCX;	/* the value: the guest register's own, or ecx */

	if (op->id != MIPS_I_SWC1 && op->rt && e->host[op->rt] >= 0)
		v = e->host[op->rt];
	else if (op->id == MIPS_I_SWC1)
		mov_r_rm(&e->c, RCX, M(REG_VM, OFF(fpr) + 4 * op->rt));
	else
		ld(e, RCX, op->rt);
	mov_m_r_size(&e->c, host, v, align);	/* mov [rdx + a], reg8/16/32 */
	if (op->id == MIPS_I_SC)
		st_imm(e, op->rt, 1);	/* one CPU: the link never breaks */
}

/* eax = rs OP rt (or imm) for the three-operand ALU forms; overflow checks go to the interpreter. */
static void emit_alu(struct emit *e, const struct mips_op *op, unsigned k, int alu, bool imm, bool trap_ov)
{
	unsigned dst = imm ? op->rt : op->rd;

	if (!dst && !trap_ov)
		return;
	if (!op->rs && (imm || !op->rt)) {	/* li, move $x, $zero: a constant (0 + imm never overflows) */
		uint32_t v = imm ? op->imm : 0;
		st_imm(e, dst, alu == ALU_AND ? 0 : alu == ALU_SUB ? 0u - v : v);
		return;
	}
	if (!trap_ov && e->host[dst] >= 0 && dst == op->rs && dst && (imm || op->rt != dst)) {
		if (imm)	/* the register in place: add reg, imm */
			alu_rm_imm(&e->c, alu, R(e->host[dst]), op->imm);
		else if (op->rt)
			alu_r_rm(&e->c, alu, e->host[dst], G(e, op->rt));
		else if (alu == ALU_AND)
			op1(&e->c, 0x31, e->host[dst], R(e->host[dst]));
		else
			return;	/* x op 0 is x */
		flags_are(e, FLAGS_RESULT, dst, 0);
		return;
	}
	/* Straight into the destination's host register when no trap can leave the old value needed:
	 * the first source, then the operation; one that commutes takes the sources the other way
	 * round when the destination is the second. */
	int d = !trap_ov && e->host[dst] >= 0 ? e->host[dst] : RAX;
	if (d != RAX && !imm && op->rt == dst) {
		if (op->rs == dst || !op->rs || alu == ALU_SUB)
			d = RAX;
		else {
			alu_r_rm(&e->c, alu, d, G(e, op->rs));
			flags_are(e, FLAGS_RESULT, dst, 0);
			return;
		}
	}
	ld(e, d, op->rs);
	if (imm)
		alu_rm_imm(&e->c, alu, R(d), op->imm);
	else if (op->rt)
		alu_r_rm(&e->c, alu, d, G(e, op->rt));
	else if (alu == ALU_AND || trap_ov)
		alu_rm_imm(&e->c, alu, R(d), 0);
	if (trap_ov)
		side_exit(e, CC_O, k);
	if (d == RAX)
		st(e, dst, RAX);
	if (dst && (imm || op->rt || alu == ALU_AND || trap_ov))
		flags_are(e, FLAGS_RESULT, dst, 0);
}

/* rd = rs < rt (or rt = rs < imm), signed (CC_L) or unsigned (CC_B). */
static void emit_slt(struct emit *e, unsigned dst, unsigned rs, const struct rm *rt, uint32_t imm, int cc)
{
	int a = rs && e->host[rs] >= 0 ? e->host[rs] : RCX;	/* rs in place, or in ecx */

	if (!dst)
		return;
	if (a == RCX)
		ld(e, RCX, rs);
	op1(&e->c, 0x31, RAX, R(RAX));	/* xor eax, eax: before the compare, whose flags it would clobber */
	if (rt)
		alu_r_rm(&e->c, ALU_CMP, a, *rt);
	else
		alu_rm_imm(&e->c, ALU_CMP, R(a), imm);
	op2(&e->c, (uint8_t)(0x90 + cc), 0, R(RAX));
	st(e, dst, RAX);
	flags_are(e, FLAGS_SLT, dst, cc);
}

static void emit_shift(struct emit *e, const struct mips_op *op, int sh, bool by_reg)
{
	if (!op->rd)
		return;
	int d = e->host[op->rd] >= 0 ? e->host[op->rd] : RAX;	/* in the destination's register if it has one */

	if (by_reg)
		ld(e, RCX, op->rs);
	ld(e, d, op->rt);
	if (by_reg)
		op1(&e->c, 0xd3, sh, R(d));
	else if (op->imm)
		shift_imm(&e->c, sh, d, op->imm);
	if (d == RAX)
		st(e, op->rd, RAX);
}

/* Flags for a two-register (or one-register-and-immediate) comparison: cmp eax, rt/imm. */
static void compare(struct emit *e, unsigned rs, unsigned rt, const uint32_t *imm)
{
	int a = rs && e->host[rs] >= 0 ? e->host[rs] : RAX;	/* a guest register in place */

	if (a == RAX)
		ld(e, RAX, rs);
	if (imm && *imm)
		alu_rm_imm(&e->c, ALU_CMP, R(a), *imm);
	else if (!imm && rt)
		alu_r_rm(&e->c, ALU_CMP, a, G(e, rt));
	else
		test_r_r(&e->c, a, a);	/* the flags of cmp a, 0 */
}

/*
 * A conditional branch (flags set, cc says taken) at instruction k: in the middle of the block a
 * taken one leaves through the cold lines and the block goes on; at its end both ways leave.
 */
static void branch_end(struct emit *e, int cc, uint32_t pc, uint32_t target, unsigned k)
{
	if (k + 1 < e->n) {
		if (e->nside < sizeof e->side / sizeof e->side[0])
			e->side[e->nside++] = (struct side){ jcc_fwd(&e->c, cc), (uint8_t)k, true, target };
		else
			e->c.overflow = true;
		return;
	}
	if (target == e->pc0) {	/* a loop: falling through is the jump out, going on is the way in */
		uint32_t out = jcc_fwd(&e->c, cc ^ 1);
		exit_to(e, target, e->n);
		put_rel32(&e->c, out, e->c.len);
		exit_to(e, pc + 4, e->n);
		return;
	}
	uint32_t taken = jcc_fwd(&e->c, cc);
	exit_to(e, pc + 4, e->n);
	put_rel32(&e->c, taken, e->c.len);
	exit_to(e, target, e->n);
}

/* The FPU condition flag bit an op tests (bits 20..18, kept in rt >> 2). */
static void test_fcc(struct emit *e, const struct mips_op *op)
{
	op1(&e->c, 0xf6, 0, M(REG_VM, OFF(fcc)));	/* test byte [fcc], 1 << cc */
	b1(&e->c, (uint8_t)(1u << (op->rt >> 2)));
}

/* rd = cond ? rs : rd, with the flags already set (cc: move when). */
static void emit_cmov(struct emit *e, const struct mips_op *op, int cc)
{
	ld_keep(e, RAX, op->rd);
	ld_keep(e, RCX, op->rs);
	op2(&e->c, (uint8_t)(0x40 + cc), RAX, R(RCX));
	st(e, op->rd, RAX);
}

static void emit_trap(struct emit *e, const struct mips_op *op, unsigned k, int cc, bool imm)
{
	compare(e, op->rs, op->rt, imm ? &op->imm : NULL);	/* test eax, eax: the flags of cmp eax, 0 */
	side_exit(e, cc, k);
}

static void emit_clz(struct emit *e, const struct mips_op *op, bool ones)
{
	ld(e, RCX, op->rs);
	if (ones)
		op1(&e->c, 0xf7, 2, R(RCX));	/* not ecx */
	mov_r_imm(&e->c, RAX, 32);
	test_r_r(&e->c, RCX, RCX);
	b1(&e->c, 0x74), b1(&e->c, 10);	/* jz over the next 10 bytes: a zero has 32 */
	op2(&e->c, 0xbd, RCX, R(RCX));	/* bsr ecx, ecx (3 bytes) */
	mov_r_imm(&e->c, RAX, 31);		/* 5 */
	op1(&e->c, 0x2b, RAX, R(RCX));	/* sub eax, ecx (2) */
	st(e, op->rd, RAX);
}

static void emit_mult(struct emit *e, const struct mips_op *op, bool sign)
{
	ld(e, RAX, op->rs);
	ld(e, RCX, op->rt);
	if (sign) {
		op1w(&e->c, 0x63, RAX, R(RAX));	/* movsxd rax, eax */
		op1w(&e->c, 0x63, RCX, R(RCX));
	}
	uint8_t o[2] = { 0x0f, 0xaf };
	insn(&e->c, false, true, o, 2, RAX, R(RCX));	/* imul rax, rcx */
	mov_rm_r(&e->c, M(REG_VM, OFF(lo)), RAX);
	op1w(&e->c, 0xc1, SH_SHR, R(RAX));
	b1(&e->c, 32);
	mov_rm_r(&e->c, M(REG_VM, OFF(hi)), RAX);
}

/*
 * DIV, DIVU: LO = quotient, HI = remainder. A zero divisor (unpredictable, Vol. II DIV) and
 * 0x80000000 / -1 (which x86's idiv traps on) are the interpreter's to decide.
 */
static void emit_div(struct emit *e, const struct mips_op *op, unsigned k, bool sign)
{
	ld(e, RCX, op->rt);
	test_r_r(&e->c, RCX, RCX);
	side_exit(e, CC_E, k);
	ld(e, RAX, op->rs);
	if (sign) {
		alu_rm_imm(&e->c, ALU_CMP, R(RCX), 0xffffffffu);
		side_exit(e, CC_E, k);
		b1(&e->c, 0x99);			/* cdq */
		op1(&e->c, 0xf7, 7, R(RCX));	/* idiv ecx */
	} else {
		op1(&e->c, 0x31, RDX, R(RDX));
		op1(&e->c, 0xf7, 6, R(RCX));	/* div ecx */
	}
	mov_rm_r(&e->c, M(REG_VM, OFF(lo)), RAX);
	mov_rm_r(&e->c, M(REG_VM, OFF(hi)), RDX);
}

/* MADD, MADDU, MSUB, MSUBU: HI:LO plus or minus the 64-bit product of rs and rt. */
static void emit_madd(struct emit *e, const struct mips_op *op, bool sign, bool sub)
{
	uint8_t imul[2] = { 0x0f, 0xaf };

	ld(e, RAX, op->rs);
	ld(e, RCX, op->rt);
	if (sign) {
		op1w(&e->c, 0x63, RAX, R(RAX));	/* movsxd */
		op1w(&e->c, 0x63, RCX, R(RCX));
	}
	insn(&e->c, false, true, imul, 2, RAX, R(RCX));	/* imul rax, rcx: the product, exact mod 2^64 */
	mov_r_rm(&e->c, RDX, M(REG_VM, OFF(hi)));
	op1w(&e->c, 0xc1, SH_SHL, R(RDX));
	b1(&e->c, 32);
	mov_r_rm(&e->c, RCX, M(REG_VM, OFF(lo)));		/* zero-extended */
	op1w(&e->c, 0x09, RCX, R(RDX));			/* or rdx, rcx: HI:LO */
	op1w(&e->c, sub ? 0x29 : 0x01, RAX, R(RDX));	/* sub/add rdx, rax */
	mov_rm_r(&e->c, M(REG_VM, OFF(lo)), RDX);
	op1w(&e->c, 0xc1, SH_SHR, R(RDX));
	b1(&e->c, 32);
	mov_rm_r(&e->c, M(REG_VM, OFF(hi)), RDX);
}

/* The rest of the non-branch instructions. */
static void emit_misc(struct emit *e, const struct mips_op *op)
{
	uint32_t mask;
	int d;

	switch (op->id) {
	case MIPS_I_MFHI: case MIPS_I_MFLO:
		if (op->rd) {
			mov_r_rm(&e->c, RAX, M(REG_VM, op->id == MIPS_I_MFHI ? OFF(hi) : OFF(lo)));
			st(e, op->rd, RAX);
		}
		break;
	case MIPS_I_MTHI: case MIPS_I_MTLO:
		ld(e, RAX, op->rs);
		mov_rm_r(&e->c, M(REG_VM, op->id == MIPS_I_MTHI ? OFF(hi) : OFF(lo)), RAX);
		break;
	case MIPS_I_MUL:
		if (op->rd && op->rt && op->rd == op->rs && op->rt != op->rd && e->host[op->rd] >= 0) {
			op2(&e->c, 0xaf, e->host[op->rd], G(e, op->rt));	/* imul rd, rt in place */
			break;
		}
		if (op->rd && op->rs && op->rd == op->rt && op->rs != op->rd && e->host[op->rd] >= 0) {
			op2(&e->c, 0xaf, e->host[op->rd], G(e, op->rs));	/* imul rd, rs: it commutes */
			break;
		}
		d = op->rd && op->rd != op->rt && e->host[op->rd] >= 0 ? e->host[op->rd] : RAX;
		ld(e, d, op->rs);
		if (op->rt)
			op2(&e->c, 0xaf, d, G(e, op->rt));	/* imul d, rt */
		else
			op1(&e->c, 0x31, d, R(d));
		if (d == RAX)
			st(e, op->rd, RAX);
		break;
	case MIPS_I_LUI:
		st_imm(e, op->rt, op->imm);
		break;
	case MIPS_I_NOR:
		ld(e, RAX, op->rs);
		if (op->rt)
			alu_r_rm(&e->c, ALU_OR, RAX, G(e, op->rt));
		op1(&e->c, 0xf7, 2, R(RAX));	/* not eax */
		st(e, op->rd, RAX);
		break;
	case MIPS_I_SEB: case MIPS_I_SEH:
		ld(e, RAX, op->rt);
		op2(&e->c, op->id == MIPS_I_SEB ? 0xbe : 0xbf, RAX, R(RAX));	/* movsx eax, al/ax */
		st(e, op->rd, RAX);
		break;
	case MIPS_I_WSBH:
		ld(e, RAX, op->rt);
		b1(&e->c, 0x0f), b1(&e->c, 0xc8);	/* bswap eax */
		shift_imm(&e->c, SH_ROR, RAX, 16);
		st(e, op->rd, RAX);
		break;
	case MIPS_I_EXT:
		mask = op->rd + 1u >= 32 ? 0xffffffffu : (1u << (op->rd + 1u)) - 1;
		ld(e, RAX, op->rs);
		if (op->imm)
			shift_imm(&e->c, SH_SHR, RAX, op->imm);
		if (mask != 0xffffffffu)
			alu_rm_imm(&e->c, ALU_AND, R(RAX), mask);
		st(e, op->rt, RAX);
		break;
	case MIPS_I_INS: {
		unsigned size = op->rd - op->imm + 1u;
		mask = (size >= 32 ? 0xffffffffu : (1u << size) - 1) << op->imm;
		ld(e, RAX, op->rt);
		alu_rm_imm(&e->c, ALU_AND, R(RAX), ~mask);
		ld(e, RCX, op->rs);
		if (op->imm)
			shift_imm(&e->c, SH_SHL, RCX, op->imm);
		alu_rm_imm(&e->c, ALU_AND, R(RCX), mask);
		alu_r_rm(&e->c, ALU_OR, RAX, R(RCX));
		st(e, op->rt, RAX);
		break;
	}
	case MIPS_I_MFC1:
		mov_r_rm(&e->c, RAX, M(REG_VM, OFF(fpr) + 4 * op->rd));
		st(e, op->rt, RAX);
		break;
	case MIPS_I_MTC1:
		ld(e, RAX, op->rt);
		mov_rm_r(&e->c, M(REG_VM, OFF(fpr) + 4 * op->rd), RAX);
		break;
	default:	/* SYNC */
		break;
	}
}

/* What the flags the instruction just before left say of guest register reg (FLAGS_NONE: nothing). */
static int flags_of(const struct emit *e, unsigned reg)
{
	return reg && e->flags_k + 1 == e->k && e->flags_reg == reg ? e->flags : FLAGS_NONE;
}

/*
 * The condition that reg == 0 (zero) or reg != 0 (!zero) holds, read off the flags the instruction
 * just before left when they say so (an ALU result, an slt); -1 when a compare must set them.
 */
static int flags_on(const struct emit *e, unsigned reg, bool zero)
{
	int kind = flags_of(e, reg);
	if (kind == FLAGS_NONE)
		return -1;
	int nonzero = kind == FLAGS_SLT ? e->flags_cc : CC_NE;
	return zero ? nonzero ^ 1 : nonzero;
}

/* beq/bne of rs and rt (cc: CC_E or CC_NE for taken): the flags of the instruction before when it
 * compared against zero, else a compare. */
static void emit_beq(struct emit *e, const struct mips_op *op, uint32_t pc, unsigned k, int cc)
{
	int known = !op->rt ? flags_on(e, op->rs, cc == CC_E) : !op->rs ? flags_on(e, op->rt, cc == CC_E) : -1;

	if (known < 0)
		compare(e, op->rs, op->rt, NULL);
	branch_end(e, known < 0 ? cc : known, pc, op->imm, k);
}

/* bltz/bgez (cc: CC_L or CC_GE): an ALU result's sign is in SF. */
static void emit_bsign(struct emit *e, const struct mips_op *op, uint32_t pc, unsigned k, int cc)
{
	static const uint32_t zero = 0;

	if (flags_of(e, op->rs) == FLAGS_RESULT) {
		branch_end(e, cc == CC_L ? CC_S : CC_NS, pc, op->imm, k);
		return;
	}
	compare(e, op->rs, 0, &zero);
	branch_end(e, cc, pc, op->imm, k);
}

static void emit_branch(struct emit *e, const struct mips_op *op, uint32_t pc, unsigned k)
{
	static const uint32_t zero = 0;

	switch (op->id) {
	case MIPS_I_J: exit_to(e, op->imm, e->n); return;
	case MIPS_I_BEQ:
		if (op->rs == op->rt) {	/* always taken, and it ends the block (is_jump) */
			exit_to(e, op->imm, e->n);
			return;
		}
		emit_beq(e, op, pc, k, CC_E);
		return;
	case MIPS_I_JAL: st_imm(e, 31, pc + 4); exit_to(e, op->imm, e->n); return;
	case MIPS_I_BNE: emit_beq(e, op, pc, k, CC_NE); return;
	case MIPS_I_BLEZ: compare(e, op->rs, 0, &zero); branch_end(e, CC_LE, pc, op->imm, k); return;
	case MIPS_I_BGTZ: compare(e, op->rs, 0, &zero); branch_end(e, CC_G, pc, op->imm, k); return;
	case MIPS_I_BLTZ: emit_bsign(e, op, pc, k, CC_L); return;
	case MIPS_I_BGEZ: emit_bsign(e, op, pc, k, CC_GE); return;
	case MIPS_I_BLTZAL: case MIPS_I_BGEZAL:	/* links even when not taken; rs is read first */
		ld(e, RAX, op->rs);
		st_imm(e, 31, pc + 4);	/* a mov: the flags come after */
		test_r_r(&e->c, RAX, RAX);
		branch_end(e, op->id == MIPS_I_BLTZAL ? CC_S : CC_NS, pc, op->imm, k);
		return;
	case MIPS_I_BC1F: test_fcc(e, op); branch_end(e, CC_E, pc, op->imm, k); return;
	case MIPS_I_BC1T: test_fcc(e, op); branch_end(e, CC_NE, pc, op->imm, k); return;
	default: break;
	}
	/* JR, JALR: a target not word aligned is the interpreter's to report. */
	ld(e, RAX, op->rs);
	b1(&e->c, 0xa8), b1(&e->c, 3);	/* test al, 3 */
	side_exit(e, CC_NE, k);
	if (op->id == MIPS_I_JALR)
		st_imm(e, op->rd, pc + 4);
	writeback(e);
	mov_rm_r(&e->c, M(REG_VM, OFF(pc)), RAX);
	alu_rm_imm(&e->c, ALU_SUB, R(RAX), MIPS_TEXT_BASE);
	alu_r_rm(&e->c, ALU_CMP, RAX, M(REG_VM, OFF(jit_nbytes)));
	uint32_t miss1 = jcc_fwd(&e->c, CC_AE);
	op1w(&e->c, 0x8b, RDX, M(REG_VM, OFF(jit_entry)));	/* mov rdx, [vm.jit_entry] */
	op1w(&e->c, 0x8b, RDX, MX(RDX, RAX, 2, 0));	/* mov rdx, [rdx + rax * 2]: 8 bytes a word */
	op1w(&e->c, 0x85, RDX, R(RDX));
	uint32_t miss2 = jcc_fwd(&e->c, CC_E);
	b1(&e->c, 0xff), b1(&e->c, 0xe2);	/* jmp rdx */
	put_rel32(&e->c, miss1, e->c.len);
	put_rel32(&e->c, miss2, e->c.len);
	mov_r_imm(&e->c, RAX, MIPS_JIT_EXIT_LOOKUP);
	jmp_to(&e->c, e->exit);
}

static void emit_one(struct emit *e, const struct mips_op *op, uint32_t pc, unsigned k)
{
	switch (op->id) {
	case MIPS_I_SLL: emit_shift(e, op, SH_SHL, false); break;
	case MIPS_I_SRL: emit_shift(e, op, SH_SHR, false); break;
	case MIPS_I_SRA: emit_shift(e, op, SH_SAR, false); break;
	case MIPS_I_ROTR: emit_shift(e, op, SH_ROR, false); break;
	case MIPS_I_SLLV: emit_shift(e, op, SH_SHL, true); break;
	case MIPS_I_SRLV: emit_shift(e, op, SH_SHR, true); break;
	case MIPS_I_SRAV: emit_shift(e, op, SH_SAR, true); break;
	case MIPS_I_ROTRV: emit_shift(e, op, SH_ROR, true); break;
	case MIPS_I_ADD: emit_alu(e, op, k, ALU_ADD, false, true); break;
	case MIPS_I_SUB: emit_alu(e, op, k, ALU_SUB, false, true); break;
	case MIPS_I_ADDI: emit_alu(e, op, k, ALU_ADD, true, true); break;
	case MIPS_I_ADDU: emit_alu(e, op, k, ALU_ADD, false, false); break;
	case MIPS_I_SUBU: emit_alu(e, op, k, ALU_SUB, false, false); break;
	case MIPS_I_AND: emit_alu(e, op, k, ALU_AND, false, false); break;
	case MIPS_I_OR: emit_alu(e, op, k, ALU_OR, false, false); break;
	case MIPS_I_XOR: emit_alu(e, op, k, ALU_XOR, false, false); break;
	case MIPS_I_ADDIU: emit_alu(e, op, k, ALU_ADD, true, false); break;
	case MIPS_I_ANDI: emit_alu(e, op, k, ALU_AND, true, false); break;
	case MIPS_I_ORI: emit_alu(e, op, k, ALU_OR, true, false); break;
	case MIPS_I_XORI: emit_alu(e, op, k, ALU_XOR, true, false); break;
	case MIPS_I_SLT: { struct rm t = G(e, op->rt); emit_slt(e, op->rd, op->rs, op->rt ? &t : NULL, 0, CC_L); break; }
	case MIPS_I_SLTU: { struct rm t = G(e, op->rt); emit_slt(e, op->rd, op->rs, op->rt ? &t : NULL, 0, CC_B); break; }
	case MIPS_I_SLTI: emit_slt(e, op->rt, op->rs, NULL, op->imm, CC_L); break;
	case MIPS_I_SLTIU: emit_slt(e, op->rt, op->rs, NULL, op->imm, CC_B); break;
	case MIPS_I_MOVZ: case MIPS_I_MOVN:
		if (op->rd) {
			ld(e, RDX, op->rt);
			test_r_r(&e->c, RDX, RDX);
			emit_cmov(e, op, op->id == MIPS_I_MOVZ ? CC_E : CC_NE);
		}
		break;
	case MIPS_I_MOVF: case MIPS_I_MOVT:
		if (op->rd) {
			test_fcc(e, op);
			emit_cmov(e, op, op->id == MIPS_I_MOVF ? CC_E : CC_NE);
		}
		break;
	case MIPS_I_DIV: emit_div(e, op, k, true); break;
	case MIPS_I_DIVU: emit_div(e, op, k, false); break;
	case MIPS_I_MADD: emit_madd(e, op, true, false); break;
	case MIPS_I_MADDU: emit_madd(e, op, false, false); break;
	case MIPS_I_MSUB: emit_madd(e, op, true, true); break;
	case MIPS_I_MSUBU: emit_madd(e, op, false, true); break;
	case MIPS_I_MULT: emit_mult(e, op, true); break;
	case MIPS_I_MULTU: emit_mult(e, op, false); break;
	case MIPS_I_CLZ: case MIPS_I_CLO: if (op->rd) emit_clz(e, op, op->id == MIPS_I_CLO); break;
	case MIPS_I_TGE: emit_trap(e, op, k, CC_GE, false); break;
	case MIPS_I_TGEU: emit_trap(e, op, k, CC_AE, false); break;
	case MIPS_I_TLT: emit_trap(e, op, k, CC_L, false); break;
	case MIPS_I_TLTU: emit_trap(e, op, k, CC_B, false); break;
	case MIPS_I_TEQ: emit_trap(e, op, k, CC_E, false); break;
	case MIPS_I_TNE: emit_trap(e, op, k, CC_NE, false); break;
	case MIPS_I_TGEI: emit_trap(e, op, k, CC_GE, true); break;
	case MIPS_I_TGEIU: emit_trap(e, op, k, CC_AE, true); break;
	case MIPS_I_TLTI: emit_trap(e, op, k, CC_L, true); break;
	case MIPS_I_TLTIU: emit_trap(e, op, k, CC_B, true); break;
	case MIPS_I_TEQI: emit_trap(e, op, k, CC_E, true); break;
	case MIPS_I_TNEI: emit_trap(e, op, k, CC_NE, true); break;
	case MIPS_I_LB: case MIPS_I_LBU: case MIPS_I_LH: case MIPS_I_LHU: case MIPS_I_LW: case MIPS_I_LL:
	case MIPS_I_LWC1:
		emit_load(e, op, k);
		break;
	case MIPS_I_SB: case MIPS_I_SH: case MIPS_I_SW: case MIPS_I_SC: case MIPS_I_SWC1:
		emit_store(e, op, k);
		break;
	default:
		if (is_branch(op->id))
			emit_branch(e, op, pc, k);
		else
			emit_misc(e, op);
		break;
	}
}

/* Gives the (at most NALLOC) guest registers the block uses most a host register each. */
static void allocate(struct emit *e, const struct mips_op *ops)
{
	unsigned uses[32] = { 0 };
	uint32_t written = 0;
	unsigned loop_end = 0;	/* instructions up to the last branch back to the start: the loop */

	for (unsigned k = 0; k < e->n; k++)
		if (is_branch(ops[k].id) && ops[k].id != MIPS_I_JR && ops[k].id != MIPS_I_JALR && ops[k].imm == e->pc0)
			loop_end = k + 1;
	for (unsigned k = 0; k < e->n; k++) {
		uint32_t r, w;
		regs_of(&ops[k], &r, &w);
		for (unsigned g = 1; g < 32; g++)
			uses[g] += ((r >> g & 1) + (w >> g & 1)) * (k < loop_end ? LOOP_WEIGHT : 1);
		written |= w;
	}
	memset(e->host, -1, sizeof e->host);
	for (unsigned i = 0; i < NALLOC; i++) {
		unsigned best = 0;
		for (unsigned g = 1; g < 32; g++)
			if (e->host[g] < 0 && uses[g] > uses[best])
				best = g;
		if (!best)
			break;
		e->host[best] = (int8_t)alloc_regs[i];
		if (written >> best & 1)
			e->written |= 1u << best;
	}
}

size_t mips_jitx_block(struct mips_vm *vm, uint32_t pc, uint8_t *buf, const uint8_t *run, size_t cap,
		       const uint8_t *exit, struct mips_jit_link *links, unsigned *nlinks, unsigned *ninsn)
{
	struct emit e = { .c = { .buf = buf, .run = run, .cap = cap }, .vm = vm, .exit = exit, .pc0 = pc, .links = links };
	uint32_t first = (pc - MIPS_TEXT_BASE) / 4;
	const struct mips_op *ops = &vm->ops[first];

	while (e.n < MIPS_JIT_BLOCK_MAX && first + e.n < vm->nops && mips_jitx_translatable(&ops[e.n])) {
		const struct mips_op *op = &ops[e.n++];
		if (is_jump(op) || (is_branch(op->id) && op->imm <= pc + 4 * (e.n - 1)))
			break;	/* a forward conditional branch leaves from the middle when taken */
	}
	if (!e.n)
		return 0;
	allocate(&e, ops);
	alu_imm_w(&e.c, ALU_SUB, R(REG_LEFT), e.n, true);	/* sub r14, n; jb: MIPS_JIT_ENTRY_BYTES (n < 128) */
	e.budget_fail = jcc_fwd(&e.c, CC_B);
	_Static_assert(MIPS_JIT_BLOCK_MAX < 128, "the entry's sub takes an 8-bit immediate: 4 + 6 bytes");
	for (unsigned r = 1; r < 32; r++)
		if (e.host[r] >= 0)
			mov_r_rm(&e.c, e.host[r], M(REG_VM, OFF_R(r)));
	e.body = (uint32_t)e.c.len;
	for (unsigned k = 0; k < e.n; k++) {
		e.k = k;
		emit_one(&e, &ops[k], pc + 4 * k, k);
	}
	if (!is_branch(ops[e.n - 1].id))
		exit_to(&e, pc + 4 * e.n, e.n);
	emit_probes(&e);
	emit_side_exits(&e);
	put_rel32(&e.c, e.budget_fail, e.c.len);
	alu_imm_w(&e.c, ALU_ADD, R(REG_LEFT), e.n, true);
	exit_with(&e, pc, MIPS_JIT_EXIT_BUDGET);
	*nlinks = e.nlinks;
	*ninsn = e.n;
	return e.c.overflow ? 0 : e.c.len;
}

size_t mips_jitx_stub(uint8_t *buf, const uint8_t *run, const uint8_t **exit, const uint8_t **gone)
{
	static const uint8_t enter[] = {
		0x55, 0x53, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57,	/* push rbp rbx r12-r15 */
		0x48, 0x89, 0xfd,	/* mov rbp, rdi: the VM */
		0x49, 0x89, 0xd6,	/* mov r14, rdx: the budget */
		0xff, 0xe6,		/* jmp rsi: the block */
	};
	static const uint8_t leave[] = {
		0x4c, 0x89, 0xf2,	/* mov rdx, r14: what is left, beside rax's info */
		0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5b, 0x5d,	/* pop r15-r12 rbx rbp */
		0xc3,
	};
	struct x86_code c = { .buf = buf, .run = run, .cap = 64 };

	for (size_t i = 0; i < sizeof enter; i++)
		b1(&c, enter[i]);
	*exit = run + c.len;
	for (size_t i = 0; i < sizeof leave; i++)
		b1(&c, leave[i]);
	*gone = run + c.len;	/* a dropped block: ecx = its pc */
	mov_rm_r(&c, M(REG_VM, OFF(pc)), RCX);
	mov_r_imm(&c, RAX, MIPS_JIT_EXIT_LOOKUP);
	jmp_to(&c, *exit);
	return c.len;
}

void mips_jitx_drop(uint8_t *buf, const uint8_t *run, uint32_t pc, const uint8_t *gone)
{
	struct x86_code c = { .buf = buf, .run = run, .cap = MIPS_JIT_ENTRY_BYTES };

	mov_r_imm(&c, RCX, pc);	/* 5 bytes */
	jmp_to(&c, gone);	/* 5 */
}

void mips_jitx_patch(uint8_t *buf, const uint8_t *site, const void *code)
{
	mips_put32(buf + 1, (uint32_t)((const uint8_t *)code - (site + 5)));
}

#endif
