/* asm_pseudo.c: pseudo-instructions (SPIM/MARS dialect) and other operand forms of real ones (immediate, label, register). */
#include "asm_insn.h"
#include "softfloat.h"

typedef void pseudo_fn(struct asm_ctx *a, const struct asm_opnd *o, int arg);

/* Condition flags for the compare-and-branch and compare-and-set families. */
#define C_SWAP	1	/* compare (t, s) instead of (s, t) */
#define C_UNS	2	/* sltu instead of slt */
#define C_NOT	4	/* branch when the slt result is 0 / invert the set result */

static bool fits_s16(int64_t v) { return v >= -32768 && v <= 32767; }

/* li: 1 word when the constant fits 16 bits (or only its upper half is set), else lui+ori. */
static void load_imm(struct asm_ctx *a, int reg, const struct asm_expr *e)
{
	int64_t v;

	if (e->sym) {	/* a label's value is unknown in pass 1: always the long form */
		mips_asm_expr_value(a, e, &v);
		mips_asm_emit_i(a, MIPS_I_LUI, reg, 0, (uint32_t)v >> 16);
		mips_asm_emit_i(a, MIPS_I_ORI, reg, reg, (uint32_t)v);
		return;
	}
	uint32_t u = (uint32_t)e->add;
	if (fits_s16((int32_t)u)) {
		mips_asm_emit_i(a, MIPS_I_ADDIU, reg, REG_ZERO, u);
	} else if (u <= 0xffff) {
		mips_asm_emit_i(a, MIPS_I_ORI, reg, REG_ZERO, u);
	} else {
		mips_asm_emit_i(a, MIPS_I_LUI, reg, 0, u >> 16);
		if (u & 0xffff)
			mips_asm_emit_i(a, MIPS_I_ORI, reg, reg, u);
	}
}

/* A register operand, or an immediate loaded into $at. */
static int reg_or_at(struct asm_ctx *a, const struct asm_opnd *o)
{
	if (o->kind == OPND_REG)
		return o->reg;
	load_imm(a, REG_AT, &o->e);
	return REG_AT;
}

static void p_nop(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)o, (void)arg;
	mips_asm_emit_word(a, 0);
}

static void p_move(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)arg;
	mips_asm_emit_r(a, MIPS_I_ADDU, o[0].reg, o[1].reg, REG_ZERO, 0);
}

static void p_li(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)arg;
	load_imm(a, o[0].reg, &o[1].e);
}

static void p_la(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	int base = o[1].kind == OPND_MEM ? o[1].reg : -1;
	int64_t v;

	(void)arg;
	if (!o[1].e.sym && fits_s16(o[1].e.add) && base >= 0) {
		mips_asm_emit_i(a, MIPS_I_ADDIU, o[0].reg, base, (uint32_t)o[1].e.add);
		return;
	}
	if (!o[1].e.sym && base < 0) {
		load_imm(a, o[0].reg, &o[1].e);
		return;
	}
	mips_asm_expr_value(a, &o[1].e, &v);
	mips_asm_emit_i(a, MIPS_I_LUI, REG_AT, 0, (uint32_t)v >> 16);
	mips_asm_emit_i(a, MIPS_I_ORI, o[0].reg, REG_AT, (uint32_t)v);
	if (base >= 0)
		mips_asm_emit_r(a, MIPS_I_ADDU, o[0].reg, o[0].reg, base, 0);
}

/* Loads and stores with a label, an absolute address or a 32-bit offset: through $at. */
static void p_mem(struct asm_ctx *a, const struct asm_opnd *o, int id)
{
	int base = o[1].kind == OPND_MEM ? o[1].reg : -1;
	int64_t v;

	if (!o[1].e.sym && fits_s16(o[1].e.add)) {
		mips_asm_emit_i(a, id, o[0].reg, base < 0 ? REG_ZERO : base, (uint32_t)o[1].e.add);
		return;
	}
	mips_asm_expr_value(a, &o[1].e, &v);
	uint32_t u = (uint32_t)v;
	mips_asm_emit_i(a, MIPS_I_LUI, REG_AT, 0, (u + 0x8000u) >> 16);
	if (base >= 0)
		mips_asm_emit_r(a, MIPS_I_ADDU, REG_AT, REG_AT, base, 0);
	mips_asm_emit_i(a, id, o[0].reg, REG_AT, u);
}

/* One word of a floating-point constant into $fN: through $at, or from $zero when it is 0. */
static void load_fp_word(struct asm_ctx *a, int freg, uint32_t u)
{
	int src = REG_ZERO;

	if (u) {
		mips_asm_emit_i(a, MIPS_I_LUI, REG_AT, 0, u >> 16);
		if (u & 0xffff)
			mips_asm_emit_i(a, MIPS_I_ORI, REG_AT, REG_AT, u);
		src = REG_AT;
	}
	mips_asm_emit_word(a, mips_insn_table[MIPS_I_MTC1].match | MIPS_RT(src) | MIPS_RD(freg));
}

/* li.s/li.d $fN, decimal: the single is the double narrowed, as SPIM makes it; a double fills the
 * even/odd pair, low word in the even register (MIPS32 Vol. I-A, 6.4, FR=0). */
static void p_li_fp(struct asm_ctx *a, const struct asm_opnd *o, int dbl)
{
	uint64_t bits = (uint64_t)o[1].e.add;

	if (!dbl) {
		load_fp_word(a, o[0].reg, mips_f64_to_f32(bits));
		return;
	}
	if (o[0].reg & 1)
		mips_asm_error(a, o[0].col, "li.d needs an even floating-point register (a double is an even/odd pair)");
	load_fp_word(a, o[0].reg & ~1, (uint32_t)bits);
	load_fp_word(a, o[0].reg | 1, (uint32_t)(bits >> 32));
}

static void p_branch_always(struct asm_ctx *a, const struct asm_opnd *o, int id)
{
	mips_asm_emit_branch(a, id, REG_ZERO, REG_ZERO, &o[0].e);
}

static void p_branch_zero(struct asm_ctx *a, const struct asm_opnd *o, int id)
{
	mips_asm_emit_branch(a, id, o[0].reg, REG_ZERO, &o[1].e);
}

static void p_branch_imm(struct asm_ctx *a, const struct asm_opnd *o, int id)
{
	int t = reg_or_at(a, &o[1]);
	mips_asm_emit_branch(a, id, o[0].reg, t, &o[2].e);
}

static void p_branch_cmp(struct asm_ctx *a, const struct asm_opnd *o, int c)
{
	int s = o[0].reg, t = reg_or_at(a, &o[1]);

	mips_asm_emit_r(a, c & C_UNS ? MIPS_I_SLTU : MIPS_I_SLT, REG_AT, c & C_SWAP ? t : s, c & C_SWAP ? s : t, 0);
	mips_asm_emit_branch(a, c & C_NOT ? MIPS_I_BEQ : MIPS_I_BNE, REG_AT, REG_ZERO, &o[2].e);
}

static void p_set_cmp(struct asm_ctx *a, const struct asm_opnd *o, int c)
{
	int d = o[0].reg, s = o[1].reg, t = reg_or_at(a, &o[2]);

	mips_asm_emit_r(a, c & C_UNS ? MIPS_I_SLTU : MIPS_I_SLT, d, c & C_SWAP ? t : s, c & C_SWAP ? s : t, 0);
	if (c & C_NOT)
		mips_asm_emit_i(a, MIPS_I_XORI, d, d, 1);
}

static void p_set_eq(struct asm_ctx *a, const struct asm_opnd *o, int ne)
{
	int d = o[0].reg, t = reg_or_at(a, &o[2]);

	mips_asm_emit_r(a, MIPS_I_XOR, d, o[1].reg, t, 0);
	if (ne)
		mips_asm_emit_r(a, MIPS_I_SLTU, d, REG_ZERO, d, 0);
	else
		mips_asm_emit_i(a, MIPS_I_SLTIU, d, d, 1);
}

/* The immediate twin of an R-type ALU instruction, and how its immediate is checked. */
static bool alu_imm_form(int rid, int64_t v, int *iid, uint32_t *imm)
{
	bool uns = rid == MIPS_I_AND || rid == MIPS_I_OR || rid == MIPS_I_XOR;

	if (rid == MIPS_I_SUB || rid == MIPS_I_SUBU)
		v = -v;
	*imm = (uint32_t)v;
	switch (rid) {
	case MIPS_I_ADD: case MIPS_I_SUB: *iid = MIPS_I_ADDI; break;
	case MIPS_I_ADDU: case MIPS_I_SUBU: *iid = MIPS_I_ADDIU; break;
	case MIPS_I_AND: *iid = MIPS_I_ANDI; break;
	case MIPS_I_OR: *iid = MIPS_I_ORI; break;
	case MIPS_I_XOR: *iid = MIPS_I_XORI; break;
	case MIPS_I_SLT: *iid = MIPS_I_SLTI; break;
	case MIPS_I_SLTU: *iid = MIPS_I_SLTIU; break;
	default: return false;
	}
	return uns ? v >= 0 && v <= 0xffff : fits_s16(v);
}

/* add $d,$s,imm and addi $d,$s,big: the I-form when the constant fits, else li $at + R-form. */
static void p_alu_imm(struct asm_ctx *a, const struct asm_opnd *o, int rid)
{
	int iid;
	uint32_t imm;

	if (!o[2].e.sym && alu_imm_form(rid, o[2].e.add, &iid, &imm)) {
		mips_asm_emit_i(a, iid, o[0].reg, o[1].reg, imm);
		return;
	}
	load_imm(a, REG_AT, &o[2].e);
	mips_asm_emit_r(a, rid, o[0].reg, o[1].reg, REG_AT, 0);
}

/* sll $d,$t,$s: the variable shift. */
static void p_shift_var(struct asm_ctx *a, const struct asm_opnd *o, int id)
{
	mips_asm_emit_r(a, id, o[0].reg, o[2].reg, o[1].reg, 0);
}

/*
 * div/divu/rem/remu $d,$s,$t as SPIM expands them: a zero divisor skips no "break", so SPIM's handler
 * reports Exception 9 [Breakpoint] and goes on with hi/lo unchanged; then the division and mflo/mfhi.
 * A constant divisor needs no check, and SPIM refuses a constant zero.
 */
static void p_div(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	int id = arg & 0xff, rem = arg >> 8, t;

	if (o[2].kind == OPND_REG && o[0].reg == REG_ZERO && !rem) {	/* gas: div $zero,$s,$t is the real one */
		mips_asm_emit_r(a, id, 0, o[1].reg, o[2].reg, 0);
		return;
	}
	if (o[2].kind == OPND_REG) {
		t = o[2].reg;
		mips_asm_emit_i(a, MIPS_I_BNE, REG_ZERO, t, 1);
		mips_asm_emit_word(a, mips_insn_table[MIPS_I_BREAK].match | 7u << 16);	/* 7: divide by zero */
	} else {
		if (!o[2].e.sym && (uint32_t)o[2].e.add == 0)
			mips_asm_error(a, o[2].col, "division by zero");
		t = reg_or_at(a, &o[2]);
	}
	mips_asm_emit_r(a, id, 0, o[1].reg, t, 0);
	mips_asm_emit_r(a, rem ? MIPS_I_MFHI : MIPS_I_MFLO, o[0].reg, 0, 0, 0);
}

static void p_mul_imm(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)arg;
	load_imm(a, REG_AT, &o[2].e);
	mips_asm_emit_r(a, MIPS_I_MUL, o[0].reg, o[1].reg, REG_AT, 0);
}

static void p_not(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)arg;
	mips_asm_emit_r(a, MIPS_I_NOR, o[0].reg, o[1].reg, REG_ZERO, 0);
}

static void p_neg(struct asm_ctx *a, const struct asm_opnd *o, int id)
{
	mips_asm_emit_r(a, id, o[0].reg, REG_ZERO, o[1].reg, 0);
}

static void p_abs(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)arg;
	mips_asm_emit_r(a, MIPS_I_SRA, REG_AT, 0, o[1].reg, 31);
	mips_asm_emit_r(a, MIPS_I_XOR, o[0].reg, o[1].reg, REG_AT, 0);
	mips_asm_emit_r(a, MIPS_I_SUBU, o[0].reg, o[0].reg, REG_AT, 0);
}

/* rol/ror on the Release 2 rotate instructions; rol by n is ror by 32-n. */
static void p_rotate(struct asm_ctx *a, const struct asm_opnd *o, int left)
{
	if (o[2].kind == OPND_REG) {
		int amount = o[2].reg;
		if (left) {
			mips_asm_emit_r(a, MIPS_I_SUBU, REG_AT, REG_ZERO, amount, 0);
			amount = REG_AT;
		}
		mips_asm_emit_r(a, MIPS_I_ROTRV, o[0].reg, amount, o[1].reg, 0);
		return;
	}
	if (o[2].e.sym || o[2].e.add < 0 || o[2].e.add > 31) {
		mips_asm_error(a, o[2].col, "rotate amount must be a constant in [0, 31]");
		mips_asm_emit_word(a, 0);
		return;
	}
	int n = (int)o[2].e.add;
	mips_asm_emit_r(a, MIPS_I_ROTR, o[0].reg, 0, o[1].reg, left ? (32 - n) & 31 : n);
}

static void p_jalr(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)arg;
	mips_asm_emit_r(a, MIPS_I_JALR, REG_RA, o[0].reg, 0, 0);
}

static void p_jr(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	(void)arg;
	mips_asm_emit_r(a, MIPS_I_JR, 0, o[0].reg, 0, 0);
}

/* The address of an "m" operand as base + a 16-bit offset; a label or big offset goes into $at first. */
static int addr_base(struct asm_ctx *a, const struct asm_opnd *o, int32_t *off)
{
	int base = o->kind == OPND_MEM ? o->reg : REG_ZERO;
	int64_t v;

	if (!o->e.sym && fits_s16(o->e.add) && fits_s16(o->e.add + 3)) {
		*off = (int32_t)o->e.add;
		return base;
	}
	mips_asm_expr_value(a, &o->e, &v);
	mips_asm_emit_i(a, MIPS_I_LUI, REG_AT, 0, (uint32_t)v >> 16);
	mips_asm_emit_i(a, MIPS_I_ORI, REG_AT, REG_AT, (uint32_t)v);
	if (base != REG_ZERO)
		mips_asm_emit_r(a, MIPS_I_ADDU, REG_AT, REG_AT, base, 0);
	*off = 0;
	return REG_AT;
}

/* ulw/usw: the word halves of lwl/lwr (swl/swr), little-endian. */
static void p_unaligned_word(struct asm_ctx *a, const struct asm_opnd *o, int store)
{
	int32_t off;
	int b = addr_base(a, &o[1], &off);

	mips_asm_emit_i(a, store ? MIPS_I_SWL : MIPS_I_LWL, o[0].reg, b, (uint32_t)(off + 3));
	mips_asm_emit_i(a, store ? MIPS_I_SWR : MIPS_I_LWR, o[0].reg, b, (uint32_t)off);
}

/* ulh/ulhu: two byte loads; the high byte carries the sign (ulh) or not (ulhu). */
static void p_unaligned_load_half(struct asm_ctx *a, const struct asm_opnd *o, int id)
{
	int32_t off;
	int b = addr_base(a, &o[1], &off), rt = o[0].reg;

	if (rt == b) {	/* keep the base until the last load */
		mips_asm_emit_i(a, MIPS_I_LBU, REG_AT, b, (uint32_t)off);
		mips_asm_emit_i(a, id, rt, b, (uint32_t)(off + 1));
	} else {
		mips_asm_emit_i(a, id, rt, b, (uint32_t)(off + 1));
		mips_asm_emit_i(a, MIPS_I_LBU, REG_AT, b, (uint32_t)off);
	}
	mips_asm_emit_r(a, MIPS_I_SLL, rt, 0, rt, 8);
	mips_asm_emit_r(a, MIPS_I_OR, rt, rt, REG_AT, 0);
}

/* ush: two byte stores; rt is rotated and back when $at holds the address. */
static void p_unaligned_store_half(struct asm_ctx *a, const struct asm_opnd *o, int arg)
{
	int32_t off;
	int b = addr_base(a, &o[1], &off), rt = o[0].reg;

	(void)arg;
	mips_asm_emit_i(a, MIPS_I_SB, rt, b, (uint32_t)off);
	if (b != REG_AT) {
		mips_asm_emit_r(a, MIPS_I_SRL, REG_AT, 0, rt, 8);
		mips_asm_emit_i(a, MIPS_I_SB, REG_AT, b, (uint32_t)(off + 1));
		return;
	}
	mips_asm_emit_r(a, MIPS_I_ROTR, rt, 0, rt, 8);
	mips_asm_emit_i(a, MIPS_I_SB, rt, b, (uint32_t)(off + 1));
	mips_asm_emit_r(a, MIPS_I_ROTR, rt, 0, rt, 24);
}

/*
 * X(mnemonic, operand kinds, expansion, argument). Kinds: r register, i immediate or label,
 * x register or immediate, m address (offset(base), label, label(base) or constant), l label,
 * a any address (m or (base)), f floating-point register, F floating-point literal.
 * Tried in order after the real instruction of the same name failed to encode.
 */
#define MIPS_PSEUDOS(X)								\
	X("nop",  "",    p_nop, 0)						\
	X("move", "rr",  p_move, 0)						\
	X("li",   "ri",  p_li, 0)						\
	X("la",   "rm",  p_la, 0)						\
	X("b",    "l",   p_branch_always, MIPS_I_BEQ)				\
	X("bal",  "l",   p_branch_always, MIPS_I_BGEZAL)			\
	X("beqz", "rl",  p_branch_zero, MIPS_I_BEQ)				\
	X("bnez", "rl",  p_branch_zero, MIPS_I_BNE)				\
	X("beq",  "ril", p_branch_imm, MIPS_I_BEQ)				\
	X("bne",  "ril", p_branch_imm, MIPS_I_BNE)				\
	X("blt",  "rxl", p_branch_cmp, 0)					\
	X("bgt",  "rxl", p_branch_cmp, C_SWAP)					\
	X("ble",  "rxl", p_branch_cmp, C_SWAP | C_NOT)				\
	X("bge",  "rxl", p_branch_cmp, C_NOT)					\
	X("bltu", "rxl", p_branch_cmp, C_UNS)					\
	X("bgtu", "rxl", p_branch_cmp, C_UNS | C_SWAP)				\
	X("bleu", "rxl", p_branch_cmp, C_UNS | C_SWAP | C_NOT)			\
	X("bgeu", "rxl", p_branch_cmp, C_UNS | C_NOT)				\
	X("sgt",  "rrx", p_set_cmp, C_SWAP)					\
	X("sge",  "rrx", p_set_cmp, C_NOT)					\
	X("sle",  "rrx", p_set_cmp, C_SWAP | C_NOT)				\
	X("sgtu", "rrx", p_set_cmp, C_UNS | C_SWAP)				\
	X("sgeu", "rrx", p_set_cmp, C_UNS | C_NOT)				\
	X("sleu", "rrx", p_set_cmp, C_UNS | C_SWAP | C_NOT)			\
	X("seq",  "rrx", p_set_eq, 0)						\
	X("sne",  "rrx", p_set_eq, 1)						\
	X("add",  "rri", p_alu_imm, MIPS_I_ADD)					\
	X("addu", "rri", p_alu_imm, MIPS_I_ADDU)				\
	X("sub",  "rri", p_alu_imm, MIPS_I_SUB)					\
	X("subu", "rri", p_alu_imm, MIPS_I_SUBU)				\
	X("and",  "rri", p_alu_imm, MIPS_I_AND)					\
	X("or",   "rri", p_alu_imm, MIPS_I_OR)					\
	X("xor",  "rri", p_alu_imm, MIPS_I_XOR)					\
	X("nor",  "rri", p_alu_imm, MIPS_I_NOR)					\
	X("slt",  "rri", p_alu_imm, MIPS_I_SLT)					\
	X("sltu", "rri", p_alu_imm, MIPS_I_SLTU)				\
	X("addi", "rri", p_alu_imm, MIPS_I_ADD)					\
	X("addiu", "rri", p_alu_imm, MIPS_I_ADDU)				\
	X("andi", "rri", p_alu_imm, MIPS_I_AND)					\
	X("ori",  "rri", p_alu_imm, MIPS_I_OR)					\
	X("xori", "rri", p_alu_imm, MIPS_I_XOR)					\
	X("slti", "rri", p_alu_imm, MIPS_I_SLT)					\
	X("sltiu", "rri", p_alu_imm, MIPS_I_SLTU)				\
	X("sll",  "rrr", p_shift_var, MIPS_I_SLLV)				\
	X("srl",  "rrr", p_shift_var, MIPS_I_SRLV)				\
	X("sra",  "rrr", p_shift_var, MIPS_I_SRAV)				\
	X("mul",  "rri", p_mul_imm, 0)						\
	X("div",  "rrx", p_div, MIPS_I_DIV)					\
	X("divu", "rrx", p_div, MIPS_I_DIVU)					\
	X("rem",  "rrx", p_div, MIPS_I_DIV | 0x100)				\
	X("remu", "rrx", p_div, MIPS_I_DIVU | 0x100)				\
	X("not",  "rr",  p_not, 0)						\
	X("neg",  "rr",  p_neg, MIPS_I_SUB)					\
	X("negu", "rr",  p_neg, MIPS_I_SUBU)					\
	X("abs",  "rr",  p_abs, 0)						\
	X("rol",  "rrx", p_rotate, 1)						\
	X("ror",  "rrx", p_rotate, 0)						\
	X("jalr", "r",   p_jalr, 0)						\
	X("j",    "r",   p_jr, 0)						\
	X("lb",   "rm",  p_mem, MIPS_I_LB)					\
	X("lh",   "rm",  p_mem, MIPS_I_LH)					\
	X("lw",   "rm",  p_mem, MIPS_I_LW)					\
	X("lbu",  "rm",  p_mem, MIPS_I_LBU)					\
	X("lhu",  "rm",  p_mem, MIPS_I_LHU)					\
	X("lwl",  "rm",  p_mem, MIPS_I_LWL)					\
	X("lwr",  "rm",  p_mem, MIPS_I_LWR)					\
	X("ll",   "rm",  p_mem, MIPS_I_LL)					\
	X("sb",   "rm",  p_mem, MIPS_I_SB)					\
	X("sh",   "rm",  p_mem, MIPS_I_SH)					\
	X("sw",   "rm",  p_mem, MIPS_I_SW)					\
	X("swl",  "rm",  p_mem, MIPS_I_SWL)					\
	X("swr",  "rm",  p_mem, MIPS_I_SWR)					\
	X("sc",   "rm",  p_mem, MIPS_I_SC)					\
	X("lwc1", "fm",  p_mem, MIPS_I_LWC1)					\
	X("swc1", "fm",  p_mem, MIPS_I_SWC1)					\
	X("ldc1", "fm",  p_mem, MIPS_I_LDC1)					\
	X("sdc1", "fm",  p_mem, MIPS_I_SDC1)					\
	X("l.s",  "fa",  p_mem, MIPS_I_LWC1)					\
	X("s.s",  "fa",  p_mem, MIPS_I_SWC1)					\
	X("l.d",  "fa",  p_mem, MIPS_I_LDC1)					\
	X("s.d",  "fa",  p_mem, MIPS_I_SDC1)					\
	X("li.s", "fF",  p_li_fp, 0)						\
	X("li.d", "fF",  p_li_fp, 1)						\
	X("ulw",  "ra",  p_unaligned_word, 0)					\
	X("usw",  "ra",  p_unaligned_word, 1)					\
	X("ulh",  "ra",  p_unaligned_load_half, MIPS_I_LB)			\
	X("ulhu", "ra",  p_unaligned_load_half, MIPS_I_LBU)			\
	X("ush",  "ra",  p_unaligned_store_half, 0)

struct pseudo {
	const char *name, *kinds;
	pseudo_fn *fn;
	int arg;
};

static const struct pseudo pseudos[] = {
#define MIPS_X_PSEUDO(name, kinds, fn, arg) { name, kinds, fn, arg },
	MIPS_PSEUDOS(MIPS_X_PSEUDO)
#undef MIPS_X_PSEUDO
};

static bool kind_ok(char k, const struct asm_opnd *o)
{
	switch (k) {
	case 'r': return o->kind == OPND_REG;
	case 'f': return o->kind == OPND_FREG;
	case 'F': return o->kind == OPND_FLOAT;
	case 'i': case 'l': return o->kind == OPND_IMM;
	case 'x': return o->kind == OPND_REG || o->kind == OPND_IMM;
	case 'm': return o->kind == OPND_IMM || (o->kind == OPND_MEM && o->has_expr);
	case 'a': return o->kind == OPND_IMM || o->kind == OPND_MEM;
	}
	return false;
}

static bool kinds_match(const char *kinds, const struct asm_opnd *o, int n)
{
	if ((int)strlen(kinds) != n)
		return false;
	for (int i = 0; i < n; i++)
		if (!kind_ok(kinds[i], &o[i]))
			return false;
	return true;
}

bool mips_asm_pseudo(struct asm_ctx *a, const char *m, size_t n, const struct asm_opnd *o, int nops)
{
	for (size_t i = 0; i < sizeof pseudos / sizeof pseudos[0]; i++) {
		const struct pseudo *ps = &pseudos[i];
		if (strlen(ps->name) != n || strncmp(ps->name, m, n))
			continue;
		if (kinds_match(ps->kinds, o, nops)) {
			ps->fn(a, o, ps->arg);
			return true;
		}
		if (ps->fn == p_alu_imm && kinds_match("ri", o, nops)) {	/* SPIM: "addi $t0, 1" */
			struct asm_opnd o3[3] = { o[0], o[0], o[1] };
			ps->fn(a, o3, ps->arg);
			return true;
		}
	}
	return false;
}

bool mips_asm_pseudo_known(const char *m, size_t n)
{
	for (size_t i = 0; i < sizeof pseudos / sizeof pseudos[0]; i++)
		if (strlen(pseudos[i].name) == n && !strncmp(pseudos[i].name, m, n))
			return true;
	return false;
}
