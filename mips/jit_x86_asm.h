/* jit_x86_asm.h: the x86-64 encoder of the translator's back end (jit_x86.c): registers, operands,
 * ModR/M and SIB, the few instructions generated code is made of. Encodings: Intel SDM Vol. 2,
 * chapter 2 (REX, ModR/M, SIB) and the instruction pages. */
#ifndef MIPS_JIT_X86_ASM_H
#define MIPS_JIT_X86_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* Condition codes (SDM Vol. 1, B.1): jcc is 0x0f 0x80+cc, setcc 0x0f 0x90+cc, cmovcc 0x0f 0x40+cc. */
enum { CC_O = 0, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7, CC_S = 8, CC_NS = 9,
       CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf };
/* Group-1 ALU (/digit of 0x81, and opcode 8*digit+3 for reg, r/m) and shift (/digit of 0xc1, 0xd3). */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
enum { SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

/* Code being written at buf, to run at run (the code cache's other view: jumps out of it are
 * relative to run); bytes past cap are dropped and overflow says so. */
struct x86_code {
	uint8_t *buf;
	const uint8_t *run;
	size_t cap, len;
	bool overflow;
};

/* An operand: a register, or memory at base + index * scale + disp. */
struct rm {
	int8_t reg, base, index;
	uint8_t scale;
	int32_t disp;
};
static struct rm R(int reg) { return (struct rm){ reg, -1, -1, 1, 0 }; }
static struct rm M(int base, int32_t disp) { return (struct rm){ -1, (int8_t)base, -1, 1, disp }; }
static struct rm MX(int base, int index, uint8_t scale, int32_t disp)
{
	return (struct rm){ -1, (int8_t)base, (int8_t)index, scale, disp };
}

static inline void b1(struct x86_code *e, uint8_t v)
{
	if (e->len < e->cap)
		e->buf[e->len++] = v;
	else
		e->overflow = true;
}

static inline void b4(struct x86_code *e, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b1(e, (uint8_t)(v >> 8 * i));
}

static inline void put_rel32(struct x86_code *e, uint32_t at, size_t to)
{
	if (at + 4 <= e->len)
		mips_put32(e->buf + at, (uint32_t)((int64_t)to - (int64_t)(at + 4)));
}

/*
 * One instruction: [66] [REX] opcode bytes, ModR/M (reg field reg: a register or an opcode
 * extension), SIB and displacement for m. w: 64-bit operand size. byte_reg: reg is a byte
 * register, and spl, bpl, sil and dil need a REX prefix (without one, 4-7 are ah, ch, dh, bh).
 */
static inline void insn_x(struct x86_code *e, bool p66, bool w, bool byte_reg, const uint8_t *op, int nop, int reg,
			  struct rm m)
{
	int rmreg = m.reg >= 0 ? m.reg : m.base;
	uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | (reg & 8 ? 4 : 0) | (m.index >= 0 && (m.index & 8) ? 2 : 0) |
				(rmreg & 8 ? 1 : 0));

	if (p66)
		b1(e, 0x66);
	if (rex != 0x40 || (byte_reg && reg >= 4))
		b1(e, rex);
	for (int i = 0; i < nop; i++)
		b1(e, op[i]);
	if (m.reg >= 0) {
		b1(e, (uint8_t)(0xc0 | (reg & 7) << 3 | (m.reg & 7)));
		return;
	}
	int mod = m.disp == 0 && (m.base & 7) != RBP ? 0 : m.disp >= -128 && m.disp <= 127 ? 1 : 2;
	if (m.index >= 0 || (m.base & 7) == RSP) {
		static const uint8_t ss[9] = { 0, 0, 1, 0, 2, 0, 0, 0, 3 };
		b1(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
		b1(e, (uint8_t)(ss[m.scale] << 6 | (m.index >= 0 ? m.index & 7 : 4) << 3 | (m.base & 7)));
	} else {
		b1(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | (m.base & 7)));
	}
	if (mod == 1)
		b1(e, (uint8_t)m.disp);
	else if (mod == 2)
		b4(e, (uint32_t)m.disp);
}

/* The same for the rest: byte operands there are only ever al, cl and dl, which need no REX. */
static inline void insn(struct x86_code *e, bool p66, bool w, const uint8_t *op, int nop, int reg, struct rm m)
{
	insn_x(e, p66, w, false, op, nop, reg, m);
}

static inline void op1(struct x86_code *e, uint8_t op, int reg, struct rm m) { insn(e, false, false, &op, 1, reg, m); }
static inline void op1w(struct x86_code *e, uint8_t op, int reg, struct rm m) { insn(e, false, true, &op, 1, reg, m); }
static inline void op2(struct x86_code *e, uint8_t op, int reg, struct rm m)
{
	uint8_t o[2] = { 0x0f, op };
	insn(e, false, false, o, 2, reg, m);
}

static inline void mov_r_rm(struct x86_code *e, int dst, struct rm m) { op1(e, 0x8b, dst, m); }
static inline void mov_rm_r(struct x86_code *e, struct rm m, int src)
{
	if (m.reg != src)
		op1(e, 0x89, src, m);
}
static inline void mov_r_imm(struct x86_code *e, int dst, uint32_t imm)
{
	if (dst & 8)
		b1(e, 0x41);
	b1(e, (uint8_t)(0xb8 + (dst & 7)));
	b4(e, imm);
}
static inline void mov_rm_imm(struct x86_code *e, struct rm m, uint32_t imm)
{
	if (m.reg >= 0) {
		mov_r_imm(e, m.reg, imm);
		return;
	}
	op1(e, 0xc7, 0, m);
	b4(e, imm);
}
/* alu dst, m (32-bit): add, or, and, sub, xor, cmp. */
static inline void alu_r_rm(struct x86_code *e, int alu, int dst, struct rm m) { op1(e, (uint8_t)(8 * alu + 3), dst, m); }
static inline void alu_imm_w(struct x86_code *e, int alu, struct rm m, uint32_t imm, bool w)
{
	bool small = (int32_t)imm >= -128 && (int32_t)imm <= 127;
	uint8_t op = small ? 0x83 : 0x81;
	insn(e, false, w, &op, 1, alu, m);
	if (small)
		b1(e, (uint8_t)imm);
	else
		b4(e, imm);
}
static inline void alu_rm_imm(struct x86_code *e, int alu, struct rm m, uint32_t imm) { alu_imm_w(e, alu, m, imm, false); }
static inline void shift_imm(struct x86_code *e, int sh, int reg, unsigned n)
{
	op1(e, 0xc1, sh, R(reg));
	b1(e, (uint8_t)n);
}
/* mov m, the low size bytes (1, 2 or 4) of reg. */
static inline void mov_m_r_size(struct x86_code *e, struct rm m, int reg, unsigned size)
{
	uint8_t op = size == 1 ? 0x88 : 0x89;
	insn_x(e, size == 2, false, size == 1, &op, 1, reg, m);
}
static inline void test_r_r(struct x86_code *e, int a, int b) { op1(e, 0x85, b, R(a)); }
static inline void jmp_to(struct x86_code *e, const void *to)
{
	b1(e, 0xe9);
	b4(e, (uint32_t)((const uint8_t *)to - (e->run + e->len + 4)));
}
/* jcc rel32 to be filled: returns the rel32's offset. */
static inline uint32_t jcc_fwd(struct x86_code *e, int cc)
{
	b1(e, 0x0f);
	b1(e, (uint8_t)(0x80 + cc));
	b4(e, 0);
	return (uint32_t)e->len - 4;
}
static inline void jcc_back(struct x86_code *e, int cc, size_t to)
{
	b1(e, 0x0f);
	b1(e, (uint8_t)(0x80 + cc));
	b4(e, (uint32_t)((int64_t)to - (int64_t)(e->len + 4)));
}

#endif
