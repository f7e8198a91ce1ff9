/* asm_int.h: the assembler's internal state, shared by its lexer, directives and instruction encoder. */
#ifndef MIPS_ASM_INT_H
#define MIPS_ASM_INT_H

#include "internal.h"

#define ASM_MAX_OPNDS	4
#define ASM_MAX_PENDING	16
#define ASM_TEXT_MAX	(16u << 20)	/* what a snapshot's text may hold (snapshot_fmt.h TEXT_MAX) */
#define ASM_BUILD_AFTER_CHECK	(1u << 20)	/* more data than this: pass 2 checks, a third pass builds */

/* sym == NULL: a constant. Otherwise the value of symbol sym[0..symlen) plus add. */
struct asm_expr {
	const char *sym;
	size_t symlen;
	int64_t add;
	int col;
};

/* FREG: $f0-$f31. FLOAT: a decimal with a point or an exponent (li.s, li.d), its binary64 bits in e.add. */
enum asm_opnd_kind { OPND_REG, OPND_IMM, OPND_MEM, OPND_FREG, OPND_FLOAT };

struct asm_opnd {
	enum asm_opnd_kind kind;
	int reg;		/* OPND_REG; OPND_MEM base, -1 if none */
	bool has_expr;		/* OPND_MEM: an offset/label before the "(" */
	struct asm_expr e;
	int col;
};

struct asm_sym {
	const char *name;	/* points into the source */
	size_t len;
	uint32_t value;
	int line;
};

enum asm_seg { SEG_TEXT, SEG_DATA, SEG_KDATA };

struct asm_ctx {
	const struct mips_port *port;
	const char *file;
	const char *src, *end;
	int pass;		/* 1: sizes and labels; 2: emit and diagnose */
	int errors;
	int line;
	const char *line_start;
	const char *p;		/* cursor in the current line */
	const char *stmt;	/* the current statement's directive or mnemonic */
	const char *line_end;
	enum asm_seg seg;
	uint32_t text_pc, data_pc;
	uint32_t sdata_pc;	/* .extern bytes so far, from MIPS_SDATA_BASE */
	struct asm_sym *syms;	/* open-addressing hash table */
	size_t nsyms, symcap;
	struct asm_sym pending[ASM_MAX_PENDING];	/* labels that an auto-alignment may still move */
	int npending;
	struct mips_bytes text, text_line, data, kdata;
	uint32_t kdata_size;	/* para strings so far (pass 1 counts them too) */
	uint32_t mem_limit;	/* the VM memory the program must fit in, checked before each piece */
	bool oom, over_limit;
	bool too_big;		/* over the memory limit: found in pass 1, reported in pass 2 */
	bool dry;		/* pass 2 checks without building repeated data (a final pass builds it) */
	bool quiet;		/* that final pass: its errors were reported already */
};

/* asm.c */
void mips_asm_error(struct asm_ctx *a, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mips_asm_col(struct asm_ctx *a, const char *at);
bool mips_asm_sym_lookup(struct asm_ctx *a, const char *name, size_t len, uint32_t *value);
void mips_asm_emit_word(struct asm_ctx *a, uint32_t w);
/* False (with one error at col) if n more bytes of seg would not fit in the memory limit. */
bool mips_asm_reserve(struct asm_ctx *a, int col, enum asm_seg seg, uint64_t n);

/* asm_lex.c */
void mips_asm_skip_space(struct asm_ctx *a);
bool mips_asm_at_end(struct asm_ctx *a);	/* only blanks or a comment left on the line */
size_t mips_asm_ident(struct asm_ctx *a);	/* length of the identifier at the cursor, 0 if none */
bool mips_asm_parse_expr(struct asm_ctx *a, struct asm_expr *e);
bool mips_asm_parse_string(struct asm_ctx *a, struct mips_bytes *out);
int mips_asm_parse_operands(struct asm_ctx *a, struct asm_opnd *op, int max);
bool mips_asm_expr_value(struct asm_ctx *a, const struct asm_expr *e, int64_t *v);

/* asm_insn.c: assembles mnemonic m (len n) with the operands at the cursor. */
void mips_asm_instruction(struct asm_ctx *a, const char *m, size_t n);

#endif
