/* fpu.c: the COP1 arithmetic, conversions, moves and compares, on softfloat (no host floating point). */
#include "internal.h"
#include "fpdec.h"
#include "softfloat.h"

/* Operand fields of a pre-decoded COP1 op: fs in rd, ft in rt, fd in imm (the sa field). */
#define FS(op)	((op)->rd)
#define FT(op)	((op)->rt)
#define FD(op)	((op)->imm & 31u)

static uint64_t get_d(const struct mips_vm *vm, unsigned r)
{
	return (uint64_t)vm->fpr[r | 1u] << 32 | vm->fpr[r & 30u];
}

static void set_d(struct mips_vm *vm, unsigned r, uint64_t v)
{
	vm->fpr[r & 30u] = (uint32_t)v;
	vm->fpr[r | 1u] = (uint32_t)(v >> 32);
}

/* c.cond.fmt: the flag is set when the outcome matches a bit of cond (Vol. II, C.cond.fmt). */
static void compare(struct mips_vm *vm, const struct mips_op *op, unsigned outcome)
{
	unsigned cond = mips_insn_table[op->id].match & 7u, cc = op->imm;

	if (cond & outcome)
		vm->fcc |= (uint8_t)(1u << cc);
	else
		vm->fcc &= (uint8_t)~(1u << cc);
}

static bool cc_set(const struct mips_vm *vm, const struct mips_op *op)
{
	return vm->fcc >> (op->rt >> 2) & 1;
}

/* spim's round.w.s and round.w.d: the value as a double plus 0.5, then truncated (a C cast), so
 * halves go up and -1.2 rounds to 0; measured against spim 8.0. */
static uint32_t spim_round_w(uint64_t d)
{
	return (uint32_t)mips_f64_to_w(mips_f64_add(d, 0x3fe0000000000000ull), MIPS_FROUND_ZERO);
}

static void exec_s(struct mips_vm *vm, const struct mips_op *op)
{
	uint32_t *f = vm->fpr, s = f[FS(op)], t = f[FT(op)];
	unsigned d = FD(op);

	switch ((enum mips_insn_id)op->id) {
	case MIPS_I_ADD_S: f[d] = mips_f32_add(s, t); break;
	case MIPS_I_SUB_S: f[d] = mips_f32_sub(s, t); break;
	case MIPS_I_MUL_S: f[d] = mips_f32_mul(s, t); break;
	case MIPS_I_DIV_S: f[d] = mips_f32_div(s, t); break;
	case MIPS_I_SQRT_S: f[d] = mips_f32_sqrt(s); break;
	case MIPS_I_ABS_S: f[d] = mips_f32_abs(s); break;
	case MIPS_I_MOV_S: f[d] = s; break;
	case MIPS_I_NEG_S: f[d] = mips_f32_neg(s); break;
	case MIPS_I_ROUND_W_S: f[d] = spim_round_w(mips_f32_to_f64(s)); break;
	case MIPS_I_TRUNC_W_S: f[d] = (uint32_t)mips_f32_to_w(s, MIPS_FROUND_ZERO); break;
	case MIPS_I_CEIL_W_S: f[d] = (uint32_t)mips_f32_to_w(s, MIPS_FROUND_UP); break;
	case MIPS_I_FLOOR_W_S: f[d] = (uint32_t)mips_f32_to_w(s, MIPS_FROUND_DOWN); break;
	case MIPS_I_CVT_W_S: f[d] = (uint32_t)mips_f32_to_w(s, MIPS_FROUND_ZERO); break;	/* spim: a C cast */
	case MIPS_I_CVT_D_S: set_d(vm, d, mips_f32_to_f64(s)); break;
	case MIPS_I_MOVF_S: if (!cc_set(vm, op)) f[d] = s; break;
	case MIPS_I_MOVT_S: if (cc_set(vm, op)) f[d] = s; break;
	case MIPS_I_MOVZ_S: if (!vm->r[op->rt]) f[d] = s; break;
	case MIPS_I_MOVN_S: if (vm->r[op->rt]) f[d] = s; break;
	default: compare(vm, op, mips_f32_cmp(s, t)); break;	/* C_*_S: the caller's range */
	}
}

static void exec_d(struct mips_vm *vm, const struct mips_op *op)
{
	uint64_t s = get_d(vm, FS(op)), t = get_d(vm, FT(op));
	unsigned d = FD(op);

	switch ((enum mips_insn_id)op->id) {
	case MIPS_I_ADD_D: set_d(vm, d, mips_f64_add(s, t)); break;
	case MIPS_I_SUB_D: set_d(vm, d, mips_f64_sub(s, t)); break;
	case MIPS_I_MUL_D: set_d(vm, d, mips_f64_mul(s, t)); break;
	case MIPS_I_DIV_D: set_d(vm, d, mips_f64_div(s, t)); break;
	case MIPS_I_SQRT_D: set_d(vm, d, mips_f64_sqrt(s)); break;
	case MIPS_I_ABS_D: set_d(vm, d, mips_f64_abs(s)); break;
	case MIPS_I_MOV_D: set_d(vm, d, s); break;
	case MIPS_I_NEG_D: set_d(vm, d, mips_f64_neg(s)); break;
	case MIPS_I_ROUND_W_D: vm->fpr[d] = spim_round_w(s); break;
	case MIPS_I_TRUNC_W_D: vm->fpr[d] = (uint32_t)mips_f64_to_w(s, MIPS_FROUND_ZERO); break;
	case MIPS_I_CEIL_W_D: vm->fpr[d] = (uint32_t)mips_f64_to_w(s, MIPS_FROUND_UP); break;
	case MIPS_I_FLOOR_W_D: vm->fpr[d] = (uint32_t)mips_f64_to_w(s, MIPS_FROUND_DOWN); break;
	case MIPS_I_CVT_W_D: vm->fpr[d] = (uint32_t)mips_f64_to_w(s, MIPS_FROUND_ZERO); break;
	case MIPS_I_CVT_S_D: vm->fpr[d] = mips_f64_to_f32(s); break;
	case MIPS_I_MOVF_D: if (!cc_set(vm, op)) set_d(vm, d, s); break;
	case MIPS_I_MOVT_D: if (cc_set(vm, op)) set_d(vm, d, s); break;
	case MIPS_I_MOVZ_D: if (!vm->r[op->rt]) set_d(vm, d, s); break;
	case MIPS_I_MOVN_D: if (vm->r[op->rt]) set_d(vm, d, s); break;
	default: compare(vm, op, mips_f64_cmp(s, t)); break;	/* C_*_D: the caller's range */
	}
}

void mips_fpu_exec(struct mips_vm *vm, const struct mips_op *op)
{
	if (op->id == MIPS_I_CVT_S_W)
		vm->fpr[FD(op)] = mips_w_to_f32((int32_t)vm->fpr[FS(op)]);
	else if (op->id == MIPS_I_CVT_D_W)
		set_d(vm, FD(op), mips_w_to_f64((int32_t)vm->fpr[FS(op)]));
	else if (op->id >= MIPS_I_ADD_S && op->id <= MIPS_I_C_NGT_S)
		exec_s(vm, op);
	else
		exec_d(vm, op);
}

/*
 * DUMP_PROCESSOR_STATE's FPU lines: the condition flags cc0..cc7, then each register's bits and its
 * value as a single (%.9g reads back exactly); beside an even register, its pair's double (%.17g).
 */
void mips_fpu_dump(struct mips_vm *vm)
{
	char line[128], single[MIPS_FPDEC_G_MAX + 2], dbl[MIPS_FPDEC_G_MAX];
	size_t n = mips_snprintf(line, sizeof line, "fcc      =");

	for (unsigned cc = 0; cc < 8; cc++)
		n += mips_snprintf(line + n, sizeof line - n, " %u", (vm->fcc >> cc) & 1u);
	n += mips_snprintf(line + n, sizeof line - n, " (flags 0-7)\n");
	mips_vm_out(vm, line, n);
	for (unsigned r = 0; r < 32; r++) {
		single[0] = '(';
		n = 1 + mips_fpdec_format_g(mips_f32_to_f64(vm->fpr[r]), 9, single + 1);
		single[n++] = ')';
		single[n] = 0;
		if (r & 1) {
			n = mips_snprintf(line, sizeof line, "$f%-2u     = 0x%08x %s\n", r, vm->fpr[r], single);
		} else {
			mips_fpdec_format_g(get_d(vm, r), 17, dbl);
			n = mips_snprintf(line, sizeof line, "$f%-2u     = 0x%08x %-17s $f%u:$f%u double %s\n", r,
					  vm->fpr[r], single, r, r + 1, dbl);
		}
		mips_vm_out(vm, line, n);
	}
}
