/* asm_insn.c: encodes real instructions from the isa.h table, and the para-instructions. */
#include "asm_insn.h"

static bool fits_s16(int64_t v) { return v >= -32768 && v <= 32767; }

void mips_asm_emit_r(struct asm_ctx *a, enum mips_insn_id id, int rd, int rs, int rt, int sa)
{
	mips_asm_emit_word(a, mips_insn_table[id].match | MIPS_RD(rd) | MIPS_RS(rs) | MIPS_RT(rt) | MIPS_SA(sa));
}

void mips_asm_emit_i(struct asm_ctx *a, enum mips_insn_id id, int rt, int rs, uint32_t imm)
{
	mips_asm_emit_word(a, mips_insn_table[id].match | MIPS_RS(rs) | MIPS_RT(rt) | (imm & 0xffffu));
}

/* The 16-bit word offset from the instruction at text_pc to target (Vol. II, BEQ: PC+4 relative). */
bool mips_asm_branch_offset(struct asm_ctx *a, const struct asm_expr *e, uint32_t *field)
{
	int64_t target;

	*field = 0;
	if (!mips_asm_expr_value(a, e, &target))
		return false;
	if (a->pass == 1)
		return true;
	int64_t off = (int64_t)(uint32_t)target - (int64_t)(a->text_pc + 4);
	if (off & 3) {
		mips_asm_error(a, e->col, "branch target 0x%08x is not word aligned", (uint32_t)target);
		return false;
	}
	if (!fits_s16(off / 4)) {
		mips_asm_error(a, e->col, "branch target 0x%08x out of range", (uint32_t)target);
		return false;
	}
	*field = (uint32_t)(off / 4) & 0xffffu;
	return true;
}

void mips_asm_emit_branch(struct asm_ctx *a, enum mips_insn_id id, int rs, int rt, const struct asm_expr *e)
{
	uint32_t off;

	mips_asm_branch_offset(a, e, &off);
	mips_asm_emit_i(a, id, rt, rs, off);
}

/* Reports (if report) and fails when constant operand o is missing or outside [lo, hi]. */
static bool const_in(struct asm_ctx *a, const struct asm_opnd *o, int64_t lo, int64_t hi, bool report,
		     const char *what, int64_t *v)
{
	if (o->kind != OPND_IMM || o->e.sym) {
		if (report)
			mips_asm_error(a, o->col, o->kind == OPND_FLOAT ? "%s must be an integer" : "%s must be a constant",
				       what);
		return false;
	}
	*v = o->e.add;
	if (*v < lo || *v > hi) {
		if (report)
			mips_asm_error(a, o->col, "%s %lld out of range [%lld, %lld]", what, (long long)*v,
				  (long long)lo, (long long)hi);
		return false;
	}
	return true;
}

static bool jump_field(struct asm_ctx *a, const struct asm_opnd *o, bool report, uint32_t *field)
{
	int64_t t;

	*field = 0;
	if (!report)
		return true;	/* the value is checked when encoding for real */
	if (!mips_asm_expr_value(a, &o->e, &t) || a->pass == 1)
		return false;
	if ((t & 3) || (((uint32_t)t ^ (a->text_pc + 4)) & 0xf0000000u)) {
		mips_asm_error(a, o->col, "jump target 0x%08x unreachable (alignment or 256 MiB region)", (uint32_t)t);
		return false;
	}
	*field = ((uint32_t)t >> 2) & 0x03ffffffu;
	return true;
}

/* One operand letter into *w; false (with a message if report) when the operand does not fit. */
static bool encode_operand(struct asm_ctx *a, char c, const struct asm_opnd *o, bool report, uint32_t *w,
			   int64_t *pos)
{
	int64_t v;
	uint32_t f;

	switch (c) {
	case 'd': case 's': case 't': case 'U':
		if (o->kind != OPND_REG) {
			if (report)
				mips_asm_error(a, o->col, "expected a register");
			return false;
		}
		*w |= c == 'd' ? MIPS_RD(o->reg) : c == 's' ? MIPS_RS(o->reg) : MIPS_RT(o->reg);
		if (c == 'U')
			*w |= MIPS_RD(o->reg);
		return true;
	case 'D': case 'S': case 'T':
		if (o->kind != OPND_FREG) {
			if (report)
				mips_asm_error(a, o->col, "expected a floating-point register");
			return false;
		}
		*w |= c == 'D' ? MIPS_SA(o->reg) : c == 'S' ? MIPS_RD(o->reg) : MIPS_RT(o->reg);
		return true;
	case 'C': case 'K':
		if (!const_in(a, o, 0, 7, report, "condition flag", &v))
			return false;
		*w |= (uint32_t)v << (c == 'C' ? 8 : 18);
		return true;
	case '<':
		if (!const_in(a, o, 0, 31, report, "shift amount or position", &v))
			return false;
		*pos = v;
		*w |= MIPS_SA(v);
		return true;
	case 'i':
		if (!const_in(a, o, -32768, 32767, report, "immediate", &v))
			return false;
		*w |= (uint32_t)v & 0xffffu;
		return true;
	case 'u':
		if (!const_in(a, o, 0, 65535, report, "immediate", &v))
			return false;
		*w |= (uint32_t)v;
		return true;
	case 'B': case 'b': case 'q':
		if (!const_in(a, o, 0, c == 'B' ? 0xfffff : 0x3ff, report, "code", &v))
			return false;
		*w |= (uint32_t)v << (c == 'b' ? 16 : 6);
		return true;
	case 'X': case 'I':
		if (!const_in(a, o, 1, 32 - *pos, report, "size", &v))
			return false;
		*w |= MIPS_RD(c == 'X' ? v - 1 : *pos + v - 1);
		return true;
	case 'p':
		if (o->kind != OPND_IMM) {
			if (report)
				mips_asm_error(a, o->col, "expected a branch target");
			return false;
		}
		if (report && mips_asm_branch_offset(a, &o->e, &f))
			*w |= f;
		return true;
	case 'a':
		if (o->kind != OPND_IMM) {
			if (report)
				mips_asm_error(a, o->col, "expected a jump target");
			return false;
		}
		if (!jump_field(a, o, report, &f) && report)
			return false;
		*w |= f;
		return true;
	case 'm':
		if (o->kind != OPND_MEM || o->e.sym || !fits_s16(o->e.add)) {
			if (report)
				mips_asm_error(a, o->col, "expected offset(base) with a 16-bit constant offset");
			return false;
		}
		*w |= MIPS_RS(o->reg) | ((uint32_t)o->e.add & 0xffffu);
		return true;
	}
	return false;
}

/* MIPS32 Vol. I-A, 6.4 (FR=0): a double is an even/odd register pair. The fields of an encoded
 * COP1 instruction that name a double (fmt D's sources and result, cvt.d's result; a single or
 * word result of a fmt D conversion is not one), as SPIM checks them: the first odd one, or -1. */
static int odd_double_register(uint32_t w)
{
	enum { COP1 = 0x11, FMT_S = 16, FMT_D = 17, FMT_W = 20, CVT_S = 0x20, CVT_D = 0x21, CVT_W = 0x24 };
	unsigned op = w >> 26, fmt = (w >> 21) & 0x1f, funct = w & 0x3f;
	unsigned ft = (w >> 16) & 0x1f, fs = (w >> 11) & 0x1f, fd = (w >> 6) & 0x1f;
	if (op != COP1)
		return -1;
	bool word_result = funct == CVT_W || (funct >= 0x0c && funct <= 0x0f); /* round/trunc/ceil/floor.w */
	if (fmt == FMT_D) {
		bool compare = funct >= 0x30, ft_is_fpr = funct <= 0x03 || compare; /* else a GPR or a cc */
		if (fs & 1)
			return (int)fs;
		if (ft_is_fpr && (ft & 1))
			return (int)ft;
		if (!compare && funct != CVT_S && !word_result && (fd & 1)) /* a compare's fd bits are its cc */
			return (int)fd;
	} else if ((fmt == FMT_S || fmt == FMT_W) && funct == CVT_D && (fd & 1)) {
		return (int)fd;
	}
	return -1;
}

/* Encodes real instruction id from its operands; silent unless report (used to find pseudo forms). */
bool mips_asm_encode_real(struct asm_ctx *a, enum mips_insn_id id, const struct asm_opnd *o, int n, bool report,
		     uint32_t *word)
{
	const char *ops = mips_insn_table[id].ops;
	int64_t pos = 0;
	int i = 0, letters = 0, optional = 0, skip;

	for (const char *p = ops; *p; p++) {
		letters += *p != ',';
		optional += *p == 'C' || *p == 'K';
	}
	skip = letters - n > optional ? optional : letters - n;	/* condition flags left out are 0 */
	*word = mips_insn_table[id].match;
	for (const char *p = ops; *p; p++) {
		if (*p == ',')
			continue;
		if ((*p == 'C' || *p == 'K') && skip > 0) {
			skip--;
			continue;
		}
		if (i == n) {
			if (*p == 'B' || *p == 'b' || *p == 'q')
				return true;	/* optional code, 0 */
			if (report)
				mips_asm_error(a, mips_asm_col(a, a->p), "too few operands for '%s' (expects %s)",
					  mips_insn_table[id].name, ops);
			return false;
		}
		if (!encode_operand(a, *p, &o[i++], report, word, &pos))
			return false;
	}
	if (i < n) {
		if (report)
			mips_asm_error(a, o[i].col, "too many operands for '%s'", mips_insn_table[id].name);
		return false;
	}
	int odd = odd_double_register(*word);
	if (odd >= 0) {
		if (report)
			mips_asm_error(a, o[0].col, "$f%d is odd: a double takes an even/odd register pair "
				       "(SPIM: \"Odd FP double register number\")", odd);
		return false;
	}
	return true;
}

/* SNAPSHOT/MIGRATE: the rest of the line is the argument, kept NUL-terminated in kdata. */
static void para_with_string(struct asm_ctx *a, enum mips_insn_id id)
{
	mips_asm_skip_space(a);
	const char *s = a->p, *e = a->line_end;
	const char *hash = s;

	while (hash < e && *hash != '#')
		hash++;
	e = hash;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - s >= 2 && s[0] == '"' && e[-1] == '"')
		s++, e--;
	if (e == s) {
		mips_asm_error(a, mips_asm_col(a, a->p), "%s needs an argument", mips_insn_table[id].name);
		return;
	}
	if (e - s >= MIPS_PARA_ARG_MAX) {
		mips_asm_error(a, mips_asm_col(a, s), "%s argument longer than %u characters",
			       mips_insn_table[id].name, MIPS_PARA_ARG_MAX - 1);
		return;
	}
	if (!mips_asm_reserve(a, mips_asm_col(a, s), SEG_KDATA, (uint64_t)(e - s) + 1))
		return;
	uint32_t off = a->kdata_size;
	a->kdata_size += (uint32_t)(e - s) + 1;
	if (a->pass == 2) {
		if (off + (size_t)(e - s) + 1 > 0x00ffffffu) {
			mips_asm_error(a, mips_asm_col(a, s), "too many para-instruction strings");
			return;
		}
		if (!mips_bytes_append(a->port, &a->kdata, s, (size_t)(e - s)) ||
		    !mips_bytes_append(a->port, &a->kdata, NULL, 1))
			a->oom = true;
	}
	a->p = a->line_end;
	mips_asm_emit_word(a, mips_insn_table[id].match | off);
}

static int find_real(const char *m, size_t n)
{
	for (int i = 0; i < MIPS_I_COUNT; i++)
		if (strlen(mips_insn_table[i].name) == n && !strncmp(mips_insn_table[i].name, m, n))
			return i;
	return -1;
}

void mips_asm_instruction(struct asm_ctx *a, const char *m, size_t n)
{
	struct asm_opnd o[ASM_MAX_OPNDS];
	int id = find_real(m, n);
	uint32_t w;

	if (id >= 0 && mips_insn_table[id].ops[0] == 'N') {	/* a para-instruction's string */
		para_with_string(a, (enum mips_insn_id)id);
		return;
	}
	int nops = mips_asm_parse_operands(a, o, ASM_MAX_OPNDS);
	if (nops < 0) {
		mips_asm_emit_word(a, 0);	/* keep the layout of both passes identical */
		return;
	}
	if (id >= 0 && mips_asm_encode_real(a, (enum mips_insn_id)id, o, nops, false, &w)) {
		mips_asm_encode_real(a, (enum mips_insn_id)id, o, nops, true, &w);
		mips_asm_emit_word(a, w);
		return;
	}
	if (mips_asm_pseudo(a, m, n, o, nops))
		return;
	if (id >= 0)
		mips_asm_encode_real(a, (enum mips_insn_id)id, o, nops, true, &w);
	else if (mips_asm_pseudo_known(m, n))
		mips_asm_error(a, mips_asm_col(a, m), "invalid operands for '%.*s'", (int)n, m);
	else
		mips_asm_error(a, mips_asm_col(a, m), "unknown instruction '%.*s'", (int)n, m);
	mips_asm_emit_word(a, 0);
}
