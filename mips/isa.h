/* isa.h: the one table of MIPS32 instructions: mnemonic, operand syntax, encoding, interpreter op. */
#ifndef MIPS_ISA_H
#define MIPS_ISA_H

#include <stdint.h>

/*
 * Encodings: MIPS32 Architecture For Programmers Vol. II (MD00086), chapter 3 (one page per
 * instruction) and appendix A (opcode maps).
 *
 *  31    26 25   21 20   16 15   11 10    6 5      0
 * +--------+-------+-------+-------+-------+--------+
 * |   op   |  rs   |  rt   |  rd   |  sa   | funct  |  R-type
 * +--------+-------+-------+-------+-------+--------+
 * |   op   |  rs   |  rt   |       imm16            |  I-type
 * +--------+-------+-------+------------------------+
 * |   op   |             target26                   |  J-type
 * +--------+----------------------------------------+
 */
#define MIPS_F_OP(w)	((w) >> 26)
#define MIPS_F_RS(w)	(((w) >> 21) & 31u)
#define MIPS_F_RT(w)	(((w) >> 16) & 31u)
#define MIPS_F_RD(w)	(((w) >> 11) & 31u)
#define MIPS_F_SA(w)	(((w) >> 6) & 31u)
#define MIPS_F_IMM(w)	((w) & 0xffffu)
#define MIPS_F_TARGET(w) ((w) & 0x03ffffffu)
#define MIPS_F_CODE20(w) (((w) >> 6) & 0xfffffu)	/* syscall, break */
#define MIPS_F_CODE10(w) (((w) >> 6) & 0x3ffu)	/* teq, tne, ... */
#define MIPS_RS(r)	((uint32_t)(r) << 21)
#define MIPS_RT(r)	((uint32_t)(r) << 16)
#define MIPS_RD(r)	((uint32_t)(r) << 11)
#define MIPS_SA(s)	((uint32_t)(s) << 6)

/* Tally's para-instructions use the reserved primary opcode 0x3b (Vol. II table A.2, "beta"):
 * bits 25..24 select the kind, bits 23..0 hold the offset of the argument string in kdata. */
#define MIPS_PARA_OFFSET(w) ((w) & 0x00ffffffu)

/* The pre-decoded immediate of an instruction (struct mips_op's imm). */
enum mips_imm_kind {
	MIPS_IMM_S16,		/* imm16 sign-extended (also the don't-care of R-type words) */
	MIPS_IMM_U16,		/* imm16 zero-extended */
	MIPS_IMM_HI16,		/* imm16 << 16 (lui) */
	MIPS_IMM_BRANCH,	/* the absolute target: pc + 4 + (simm16 << 2) */
	MIPS_IMM_JUMP,		/* the absolute target: the pc + 4 region | target26 << 2 */
	MIPS_IMM_SA,		/* the sa field (shift amount, ext/ins position) */
	MIPS_IMM_CODE20,	/* bits 25..6 (syscall) */
	MIPS_IMM_BREAK,		/* bits 25..16 (break, as GNU as) */
	MIPS_IMM_TRAP,		/* bits 15..6 (teq, tne, ...) */
	MIPS_IMM_FCC,		/* bits 10..8: the condition flag c.cond.fmt sets */
	MIPS_IMM_PARA,		/* a para-instruction: its string's kdata offset (MIPS_PARA_OFFSET) */
};

/*
 * Operand syntax letters (one per comma-separated operand):
 *  d rd   s rs   t rt   U rd copied into rt (clz/clo)   < sa (0..31)
 *  i signed imm16   u unsigned imm16   p branch target (label)   a jump target (26-bit region)
 *  m offset(base) into imm16/rs   B optional 20-bit code (syscall)   b optional 10-bit code in bits
 *  25..16 (break, as GNU as)   q optional 10-bit code in bits 15..6 (traps)
 *  X ext size (rd = size-1)   I ins size (rd = pos+size-1)   N para-instruction string
 *  S fs, T ft, D fd: $f registers   C cc in bits 10..8, K cc in bits 20..18 (optional, 0 if left out)
 *
 * Immediate kinds: what the interpreter's pre-decoded imm holds (enum mips_imm_kind).
 *
 * X(ID, mnemonic, operands, match, mask, imm): (word & mask) == match identifies the instruction;
 * mask covers every field the instruction fixes, must-be-zero fields included; imm names the
 * immediate kind. The para-instructions are the entries of kind PARA.
 */
#define MIPS_INSNS(X)								\
	/* SPECIAL, op 0 (table A.3) */						\
	X(SLL,     "sll",     "d,t,<", 0x00000000u, 0xffe0003fu, SA)		\
	X(SRL,     "srl",     "d,t,<", 0x00000002u, 0xffe0003fu, SA)		\
	X(ROTR,    "rotr",    "d,t,<", 0x00200002u, 0xffe0003fu, SA)		\
	X(SRA,     "sra",     "d,t,<", 0x00000003u, 0xffe0003fu, SA)		\
	X(SLLV,    "sllv",    "d,t,s", 0x00000004u, 0xfc0007ffu, S16)		\
	X(SRLV,    "srlv",    "d,t,s", 0x00000006u, 0xfc0007ffu, S16)		\
	X(ROTRV,   "rotrv",   "d,t,s", 0x00000046u, 0xfc0007ffu, S16)		\
	X(SRAV,    "srav",    "d,t,s", 0x00000007u, 0xfc0007ffu, S16)		\
	X(JR,      "jr",      "s",     0x00000008u, 0xfc1fffffu, S16)		\
	X(JALR,    "jalr",    "d,s",   0x00000009u, 0xfc1f07ffu, S16)		\
	X(MOVZ,    "movz",    "d,s,t", 0x0000000au, 0xfc0007ffu, S16)		\
	X(MOVN,    "movn",    "d,s,t", 0x0000000bu, 0xfc0007ffu, S16)		\
	X(SYSCALL, "syscall", "B",     0x0000000cu, 0xfc00003fu, CODE20)		\
	X(BREAK,   "break",   "b",     0x0000000du, 0xfc00003fu, BREAK)		\
	X(SYNC,    "sync",    "",      0x0000000fu, 0xffffffffu, S16)		\
	X(MFHI,    "mfhi",    "d",     0x00000010u, 0xffff07ffu, S16)		\
	X(MTHI,    "mthi",    "s",     0x00000011u, 0xfc1fffffu, S16)		\
	X(MFLO,    "mflo",    "d",     0x00000012u, 0xffff07ffu, S16)		\
	X(MTLO,    "mtlo",    "s",     0x00000013u, 0xfc1fffffu, S16)		\
	X(MULT,    "mult",    "s,t",   0x00000018u, 0xfc00ffffu, S16)		\
	X(MULTU,   "multu",   "s,t",   0x00000019u, 0xfc00ffffu, S16)		\
	X(DIV,     "div",     "s,t",   0x0000001au, 0xfc00ffffu, S16)		\
	X(DIVU,    "divu",    "s,t",   0x0000001bu, 0xfc00ffffu, S16)		\
	X(ADD,     "add",     "d,s,t", 0x00000020u, 0xfc0007ffu, S16)		\
	X(ADDU,    "addu",    "d,s,t", 0x00000021u, 0xfc0007ffu, S16)		\
	X(SUB,     "sub",     "d,s,t", 0x00000022u, 0xfc0007ffu, S16)		\
	X(SUBU,    "subu",    "d,s,t", 0x00000023u, 0xfc0007ffu, S16)		\
	X(AND,     "and",     "d,s,t", 0x00000024u, 0xfc0007ffu, S16)		\
	X(OR,      "or",      "d,s,t", 0x00000025u, 0xfc0007ffu, S16)		\
	X(XOR,     "xor",     "d,s,t", 0x00000026u, 0xfc0007ffu, S16)		\
	X(NOR,     "nor",     "d,s,t", 0x00000027u, 0xfc0007ffu, S16)		\
	X(SLT,     "slt",     "d,s,t", 0x0000002au, 0xfc0007ffu, S16)		\
	X(SLTU,    "sltu",    "d,s,t", 0x0000002bu, 0xfc0007ffu, S16)		\
	X(TGE,     "tge",     "s,t,q", 0x00000030u, 0xfc00003fu, TRAP)		\
	X(TGEU,    "tgeu",    "s,t,q", 0x00000031u, 0xfc00003fu, TRAP)		\
	X(TLT,     "tlt",     "s,t,q", 0x00000032u, 0xfc00003fu, TRAP)		\
	X(TLTU,    "tltu",    "s,t,q", 0x00000033u, 0xfc00003fu, TRAP)		\
	X(TEQ,     "teq",     "s,t,q", 0x00000034u, 0xfc00003fu, TRAP)		\
	X(TNE,     "tne",     "s,t,q", 0x00000036u, 0xfc00003fu, TRAP)		\
	/* REGIMM, op 1: rt selects (table A.4) */				\
	X(BLTZ,    "bltz",    "s,p",   0x04000000u, 0xfc1f0000u, BRANCH)		\
	X(BGEZ,    "bgez",    "s,p",   0x04010000u, 0xfc1f0000u, BRANCH)		\
	X(TGEI,    "tgei",    "s,i",   0x04080000u, 0xfc1f0000u, S16)		\
	X(TGEIU,   "tgeiu",   "s,i",   0x04090000u, 0xfc1f0000u, S16)		\
	X(TLTI,    "tlti",    "s,i",   0x040a0000u, 0xfc1f0000u, S16)		\
	X(TLTIU,   "tltiu",   "s,i",   0x040b0000u, 0xfc1f0000u, S16)		\
	X(TEQI,    "teqi",    "s,i",   0x040c0000u, 0xfc1f0000u, S16)		\
	X(TNEI,    "tnei",    "s,i",   0x040e0000u, 0xfc1f0000u, S16)		\
	X(BLTZAL,  "bltzal",  "s,p",   0x04100000u, 0xfc1f0000u, BRANCH)		\
	X(BGEZAL,  "bgezal",  "s,p",   0x04110000u, 0xfc1f0000u, BRANCH)		\
	/* Jumps and I-type (table A.2) */					\
	X(J,       "j",       "a",     0x08000000u, 0xfc000000u, JUMP)		\
	X(JAL,     "jal",     "a",     0x0c000000u, 0xfc000000u, JUMP)		\
	X(BEQ,     "beq",     "s,t,p", 0x10000000u, 0xfc000000u, BRANCH)		\
	X(BNE,     "bne",     "s,t,p", 0x14000000u, 0xfc000000u, BRANCH)		\
	X(BLEZ,    "blez",    "s,p",   0x18000000u, 0xfc1f0000u, BRANCH)		\
	X(BGTZ,    "bgtz",    "s,p",   0x1c000000u, 0xfc1f0000u, BRANCH)		\
	X(ADDI,    "addi",    "t,s,i", 0x20000000u, 0xfc000000u, S16)		\
	X(ADDIU,   "addiu",   "t,s,i", 0x24000000u, 0xfc000000u, S16)		\
	X(SLTI,    "slti",    "t,s,i", 0x28000000u, 0xfc000000u, S16)		\
	X(SLTIU,   "sltiu",   "t,s,i", 0x2c000000u, 0xfc000000u, S16)		\
	X(ANDI,    "andi",    "t,s,u", 0x30000000u, 0xfc000000u, U16)		\
	X(ORI,     "ori",     "t,s,u", 0x34000000u, 0xfc000000u, U16)		\
	X(XORI,    "xori",    "t,s,u", 0x38000000u, 0xfc000000u, U16)		\
	X(LUI,     "lui",     "t,u",   0x3c000000u, 0xffe00000u, HI16)		\
	/* SPECIAL2, op 0x1c (table A.5) */					\
	X(MADD,    "madd",    "s,t",   0x70000000u, 0xfc00ffffu, S16)		\
	X(MADDU,   "maddu",   "s,t",   0x70000001u, 0xfc00ffffu, S16)		\
	X(MUL,     "mul",     "d,s,t", 0x70000002u, 0xfc0007ffu, S16)		\
	X(MSUB,    "msub",    "s,t",   0x70000004u, 0xfc00ffffu, S16)		\
	X(MSUBU,   "msubu",   "s,t",   0x70000005u, 0xfc00ffffu, S16)		\
	X(CLZ,     "clz",     "U,s",   0x70000020u, 0xfc0007ffu, S16)		\
	X(CLO,     "clo",     "U,s",   0x70000021u, 0xfc0007ffu, S16)		\
	/* SPECIAL3, op 0x1f, Release 2 (table A.6, A.7) */			\
	X(EXT,     "ext",     "t,s,<,X", 0x7c000000u, 0xfc00003fu, SA)		\
	X(INS,     "ins",     "t,s,<,I", 0x7c000004u, 0xfc00003fu, SA)		\
	X(WSBH,    "wsbh",    "d,t",   0x7c0000a0u, 0xffe007ffu, S16)		\
	X(SEB,     "seb",     "d,t",   0x7c000420u, 0xffe007ffu, S16)		\
	X(SEH,     "seh",     "d,t",   0x7c000620u, 0xffe007ffu, S16)		\
	/* Loads and stores (table A.2) */					\
	X(LB,      "lb",      "t,m",   0x80000000u, 0xfc000000u, S16)		\
	X(LH,      "lh",      "t,m",   0x84000000u, 0xfc000000u, S16)		\
	X(LWL,     "lwl",     "t,m",   0x88000000u, 0xfc000000u, S16)		\
	X(LW,      "lw",      "t,m",   0x8c000000u, 0xfc000000u, S16)		\
	X(LBU,     "lbu",     "t,m",   0x90000000u, 0xfc000000u, S16)		\
	X(LHU,     "lhu",     "t,m",   0x94000000u, 0xfc000000u, S16)		\
	X(LWR,     "lwr",     "t,m",   0x98000000u, 0xfc000000u, S16)		\
	X(SB,      "sb",      "t,m",   0xa0000000u, 0xfc000000u, S16)		\
	X(SH,      "sh",      "t,m",   0xa4000000u, 0xfc000000u, S16)		\
	X(SWL,     "swl",     "t,m",   0xa8000000u, 0xfc000000u, S16)		\
	X(SW,      "sw",      "t,m",   0xac000000u, 0xfc000000u, S16)		\
	X(SWR,     "swr",     "t,m",   0xb8000000u, 0xfc000000u, S16)		\
	X(LL,      "ll",      "t,m",   0xc0000000u, 0xfc000000u, S16)		\
	X(SC,      "sc",      "t,m",   0xe0000000u, 0xfc000000u, S16)		\
	/* COP1, op 0x11: fmt in bits 25..21 (S 16, D 17, W 20), funct selects (tables A.11-A.15).  \
	 * FP operands: S fs (bits 15..11), T ft (20..16), D fd (10..6); C cc in 10..8, K cc in 20..18,  \
	 * both optional (0 when left out, as SPIM and GNU as allow). */			\
	X(ADD_S,     "add.s",    "D,S,T",  0x46000000u, 0xffe0003fu, SA)	\
	X(SUB_S,     "sub.s",    "D,S,T",  0x46000001u, 0xffe0003fu, SA)	\
	X(MUL_S,     "mul.s",    "D,S,T",  0x46000002u, 0xffe0003fu, SA)	\
	X(DIV_S,     "div.s",    "D,S,T",  0x46000003u, 0xffe0003fu, SA)	\
	X(SQRT_S,    "sqrt.s",   "D,S",    0x46000004u, 0xffff003fu, SA)	\
	X(ABS_S,     "abs.s",    "D,S",    0x46000005u, 0xffff003fu, SA)	\
	X(MOV_S,     "mov.s",    "D,S",    0x46000006u, 0xffff003fu, SA)	\
	X(NEG_S,     "neg.s",    "D,S",    0x46000007u, 0xffff003fu, SA)	\
	X(ROUND_W_S, "round.w.s", "D,S",    0x4600000cu, 0xffff003fu, SA)	\
	X(TRUNC_W_S, "trunc.w.s", "D,S",    0x4600000du, 0xffff003fu, SA)	\
	X(CEIL_W_S,  "ceil.w.s", "D,S",    0x4600000eu, 0xffff003fu, SA)	\
	X(FLOOR_W_S, "floor.w.s", "D,S",    0x4600000fu, 0xffff003fu, SA)	\
	X(MOVF_S,    "movf.s",   "D,S,K",  0x46000011u, 0xffe3003fu, SA)	\
	X(MOVT_S,    "movt.s",   "D,S,K",  0x46010011u, 0xffe3003fu, SA)	\
	X(MOVZ_S,    "movz.s",   "D,S,t",  0x46000012u, 0xffe0003fu, SA)	\
	X(MOVN_S,    "movn.s",   "D,S,t",  0x46000013u, 0xffe0003fu, SA)	\
	X(CVT_D_S,   "cvt.d.s",  "D,S",    0x46000021u, 0xffff003fu, SA)	\
	X(CVT_W_S,   "cvt.w.s",  "D,S",    0x46000024u, 0xffff003fu, SA)	\
	X(C_F_S,     "c.f.s",    "C,S,T",  0x46000030u, 0xffe000ffu, FCC)	\
	X(C_UN_S,    "c.un.s",   "C,S,T",  0x46000031u, 0xffe000ffu, FCC)	\
	X(C_EQ_S,    "c.eq.s",   "C,S,T",  0x46000032u, 0xffe000ffu, FCC)	\
	X(C_UEQ_S,   "c.ueq.s",  "C,S,T",  0x46000033u, 0xffe000ffu, FCC)	\
	X(C_OLT_S,   "c.olt.s",  "C,S,T",  0x46000034u, 0xffe000ffu, FCC)	\
	X(C_ULT_S,   "c.ult.s",  "C,S,T",  0x46000035u, 0xffe000ffu, FCC)	\
	X(C_OLE_S,   "c.ole.s",  "C,S,T",  0x46000036u, 0xffe000ffu, FCC)	\
	X(C_ULE_S,   "c.ule.s",  "C,S,T",  0x46000037u, 0xffe000ffu, FCC)	\
	X(C_SF_S,    "c.sf.s",   "C,S,T",  0x46000038u, 0xffe000ffu, FCC)	\
	X(C_NGLE_S,  "c.ngle.s", "C,S,T",  0x46000039u, 0xffe000ffu, FCC)	\
	X(C_SEQ_S,   "c.seq.s",  "C,S,T",  0x4600003au, 0xffe000ffu, FCC)	\
	X(C_NGL_S,   "c.ngl.s",  "C,S,T",  0x4600003bu, 0xffe000ffu, FCC)	\
	X(C_LT_S,    "c.lt.s",   "C,S,T",  0x4600003cu, 0xffe000ffu, FCC)	\
	X(C_NGE_S,   "c.nge.s",  "C,S,T",  0x4600003du, 0xffe000ffu, FCC)	\
	X(C_LE_S,    "c.le.s",   "C,S,T",  0x4600003eu, 0xffe000ffu, FCC)	\
	X(C_NGT_S,   "c.ngt.s",  "C,S,T",  0x4600003fu, 0xffe000ffu, FCC)	\
	X(ADD_D,     "add.d",    "D,S,T",  0x46200000u, 0xffe0003fu, SA)	\
	X(SUB_D,     "sub.d",    "D,S,T",  0x46200001u, 0xffe0003fu, SA)	\
	X(MUL_D,     "mul.d",    "D,S,T",  0x46200002u, 0xffe0003fu, SA)	\
	X(DIV_D,     "div.d",    "D,S,T",  0x46200003u, 0xffe0003fu, SA)	\
	X(SQRT_D,    "sqrt.d",   "D,S",    0x46200004u, 0xffff003fu, SA)	\
	X(ABS_D,     "abs.d",    "D,S",    0x46200005u, 0xffff003fu, SA)	\
	X(MOV_D,     "mov.d",    "D,S",    0x46200006u, 0xffff003fu, SA)	\
	X(NEG_D,     "neg.d",    "D,S",    0x46200007u, 0xffff003fu, SA)	\
	X(ROUND_W_D, "round.w.d", "D,S",    0x4620000cu, 0xffff003fu, SA)	\
	X(TRUNC_W_D, "trunc.w.d", "D,S",    0x4620000du, 0xffff003fu, SA)	\
	X(CEIL_W_D,  "ceil.w.d", "D,S",    0x4620000eu, 0xffff003fu, SA)	\
	X(FLOOR_W_D, "floor.w.d", "D,S",    0x4620000fu, 0xffff003fu, SA)	\
	X(MOVF_D,    "movf.d",   "D,S,K",  0x46200011u, 0xffe3003fu, SA)	\
	X(MOVT_D,    "movt.d",   "D,S,K",  0x46210011u, 0xffe3003fu, SA)	\
	X(MOVZ_D,    "movz.d",   "D,S,t",  0x46200012u, 0xffe0003fu, SA)	\
	X(MOVN_D,    "movn.d",   "D,S,t",  0x46200013u, 0xffe0003fu, SA)	\
	X(CVT_S_D,   "cvt.s.d",  "D,S",    0x46200020u, 0xffff003fu, SA)	\
	X(CVT_W_D,   "cvt.w.d",  "D,S",    0x46200024u, 0xffff003fu, SA)	\
	X(C_F_D,     "c.f.d",    "C,S,T",  0x46200030u, 0xffe000ffu, FCC)	\
	X(C_UN_D,    "c.un.d",   "C,S,T",  0x46200031u, 0xffe000ffu, FCC)	\
	X(C_EQ_D,    "c.eq.d",   "C,S,T",  0x46200032u, 0xffe000ffu, FCC)	\
	X(C_UEQ_D,   "c.ueq.d",  "C,S,T",  0x46200033u, 0xffe000ffu, FCC)	\
	X(C_OLT_D,   "c.olt.d",  "C,S,T",  0x46200034u, 0xffe000ffu, FCC)	\
	X(C_ULT_D,   "c.ult.d",  "C,S,T",  0x46200035u, 0xffe000ffu, FCC)	\
	X(C_OLE_D,   "c.ole.d",  "C,S,T",  0x46200036u, 0xffe000ffu, FCC)	\
	X(C_ULE_D,   "c.ule.d",  "C,S,T",  0x46200037u, 0xffe000ffu, FCC)	\
	X(C_SF_D,    "c.sf.d",   "C,S,T",  0x46200038u, 0xffe000ffu, FCC)	\
	X(C_NGLE_D,  "c.ngle.d", "C,S,T",  0x46200039u, 0xffe000ffu, FCC)	\
	X(C_SEQ_D,   "c.seq.d",  "C,S,T",  0x4620003au, 0xffe000ffu, FCC)	\
	X(C_NGL_D,   "c.ngl.d",  "C,S,T",  0x4620003bu, 0xffe000ffu, FCC)	\
	X(C_LT_D,    "c.lt.d",   "C,S,T",  0x4620003cu, 0xffe000ffu, FCC)	\
	X(C_NGE_D,   "c.nge.d",  "C,S,T",  0x4620003du, 0xffe000ffu, FCC)	\
	X(C_LE_D,    "c.le.d",   "C,S,T",  0x4620003eu, 0xffe000ffu, FCC)	\
	X(C_NGT_D,   "c.ngt.d",  "C,S,T",  0x4620003fu, 0xffe000ffu, FCC)	\
	X(CVT_S_W,   "cvt.s.w",  "D,S",    0x46800020u, 0xffff003fu, SA)	\
	X(CVT_D_W,   "cvt.d.w",  "D,S",    0x46800021u, 0xffff003fu, SA)	\
	X(MFC1,      "mfc1",     "t,S",    0x44000000u, 0xffe007ffu, S16)	\
	X(MTC1,      "mtc1",     "t,S",    0x44800000u, 0xffe007ffu, S16)	\
	X(BC1F,      "bc1f",     "K,p",    0x45000000u, 0xffe30000u, BRANCH)	\
	X(BC1T,      "bc1t",     "K,p",    0x45010000u, 0xffe30000u, BRANCH)	\
	X(MOVF,      "movf",     "d,s,K",  0x00000001u, 0xfc0307ffu, S16)	\
	X(MOVT,      "movt",     "d,s,K",  0x00010001u, 0xfc0307ffu, S16)	\
	X(LWC1,      "lwc1",     "T,m",    0xc4000000u, 0xfc000000u, S16)	\
	X(LDC1,      "ldc1",     "T,m",    0xd4000000u, 0xfc000000u, S16)	\
	X(SWC1,      "swc1",     "T,m",    0xe4000000u, 0xfc000000u, S16)	\
	X(SDC1,      "sdc1",     "T,m",    0xf4000000u, 0xfc000000u, S16)	\
	/* Tally para-instructions (see MIPS_PARA_OFFSET) */			\
	X(DUMP_PROCESSOR_STATE, "DUMP_PROCESSOR_STATE", "", 0xec000000u, 0xff000000u, PARA) \
	X(SNAPSHOT, "SNAPSHOT", "N",   0xed000000u, 0xff000000u, PARA)		\
	X(MIGRATE,  "MIGRATE",  "N",   0xee000000u, 0xff000000u, PARA)		\
	/* the word after the program's text; its name cannot be written in a program */	\
	X(TEXT_END, "<end of text>", "", 0xef000000u, 0xff000000u, PARA)

enum mips_insn_id {
#define MIPS_X_ENUM(id, name, ops, match, mask, imm) MIPS_I_##id,
	MIPS_INSNS(MIPS_X_ENUM)
#undef MIPS_X_ENUM
	MIPS_I_COUNT,
	MIPS_I_INVALID = MIPS_I_COUNT,	/* reserved instruction */
};

struct mips_insn_info {
	const char *name;
	const char *ops;
	uint32_t match, mask;
	enum mips_imm_kind imm;
};

/* The table, indexed by enum mips_insn_id (isa.c). */
extern const struct mips_insn_info mips_insn_table[MIPS_I_COUNT];

/* Identifies a word; MIPS_I_INVALID if no entry matches. */
enum mips_insn_id mips_decode_id(uint32_t word);
/* ABI name of register r ("zero", "at", ...). */
const char *mips_reg_name(unsigned r);

#endif
