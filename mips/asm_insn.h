/* asm_insn.h: instruction emission shared by the real-instruction encoder and the pseudo-instructions. */
#ifndef MIPS_ASM_INSN_H
#define MIPS_ASM_INSN_H

#include "asm_int.h"

#define REG_ZERO 0
#define REG_AT	 1
#define REG_RA	 31

void mips_asm_emit_r(struct asm_ctx *a, enum mips_insn_id id, int rd, int rs, int rt, int sa);
void mips_asm_emit_i(struct asm_ctx *a, enum mips_insn_id id, int rt, int rs, uint32_t imm);
void mips_asm_emit_branch(struct asm_ctx *a, enum mips_insn_id id, int rs, int rt, const struct asm_expr *e);
bool mips_asm_branch_offset(struct asm_ctx *a, const struct asm_expr *e, uint32_t *field);
bool mips_asm_encode_real(struct asm_ctx *a, enum mips_insn_id id, const struct asm_opnd *o, int n, bool report,
		     uint32_t *word);
/* asm_pseudo.c: expands a pseudo-instruction if one matches the operand kinds; false otherwise. */
bool mips_asm_pseudo(struct asm_ctx *a, const char *m, size_t n, const struct asm_opnd *o, int nops);
bool mips_asm_pseudo_known(const char *m, size_t n);

#endif
