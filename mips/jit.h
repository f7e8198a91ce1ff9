/* jit.h: between the translator's portable half (jit.c: cache, dispatch) and its back end (jit_x86.c). */
#ifndef MIPS_JIT_H
#define MIPS_JIT_H

#include "internal.h"

#define MIPS_JIT_CACHE_DEFAULT	(1u << 20)
#define MIPS_JIT_BLOCK_MAX	64	/* instructions in one block */
#define MIPS_JIT_BLOCK_BYTES	(MIPS_JIT_BLOCK_MAX * 192 + 1024)	/* room a block may need */

/*
 * Why generated code handed the CPU back (the info word of struct mips_jit_ret); vm->pc is where
 * the guest goes on and every guest register is back in struct mips_vm. Any larger value is the
 * address of a direct jump to patch once the block at vm->pc exists (an unchained exit).
 */
enum mips_jit_exit {
	MIPS_JIT_EXIT_BUDGET = 1,	/* fewer instructions left than the block at vm->pc holds */
	MIPS_JIT_EXIT_INTERP = 2,	/* the instruction at vm->pc needs the interpreter (fault, TLB miss) */
	MIPS_JIT_EXIT_LOOKUP = 3,	/* an indirect jump to vm->pc found no translation */
};

struct mips_jit_ret {
	uint64_t info;		/* enum mips_jit_exit or a jump to patch */
	uint64_t left;		/* the budget not spent */
};

/* A block's direct exit to a guest pc: the jump at site (an offset in the block) goes to the block at
 * pc once that exists. */
struct mips_jit_link {
	uint32_t site, pc;
};
#define MIPS_JIT_LINKS_MAX	(MIPS_JIT_BLOCK_MAX + 2)	/* per block: branches midway, two at the end */

/* Runs code (a block's entry) with left instructions of budget; the stub made by mips_jitx_stub. */
typedef struct mips_jit_ret mips_jit_enter_fn(struct mips_vm *vm, void *code, uint64_t left);

/*
 * Code is written at one address and runs at another (the cache's two views, mips/port.h): buf is
 * where bytes go, run where the same bytes execute.
 */
/* Writes the entry and exit stub at buf (at most 64 bytes); returns its size, where the exit path
 * every block jumps to runs in *exit, and in *gone the path a dropped block's entry jumps to. */
size_t mips_jitx_stub(uint8_t *buf, const uint8_t *run, const uint8_t **exit, const uint8_t **gone);
/* Drops the block at buf (running at run) for guest pc: its entry (MIPS_JIT_ENTRY_BYTES, the
 * budget check) becomes a jump to the stub's gone path, which hands the dispatcher pc to look up
 * anew (MIPS_JIT_EXIT_LOOKUP); a jump chained to the block lands there too. */
void mips_jitx_drop(uint8_t *buf, const uint8_t *run, uint32_t pc, const uint8_t *gone);
#define MIPS_JIT_ENTRY_BYTES	10
/*
 * Translates the block at pc into buf (cap bytes, at least MIPS_JIT_BLOCK_BYTES); exit is the
 * stub's exit path. Returns the bytes written, or 0 when the instruction at pc is one the
 * translator leaves to the interpreter. links (MIPS_JIT_LINKS_MAX) receives its direct exits,
 * ninsn its length in instructions.
 */
size_t mips_jitx_block(struct mips_vm *vm, uint32_t pc, uint8_t *buf, const uint8_t *run, size_t cap,
		       const uint8_t *exit, struct mips_jit_link *links, unsigned *nlinks, unsigned *ninsn);
/* Whether op is one the back end translates (a block starts only at one). */
bool mips_jitx_translatable(const struct mips_op *op);
/* Points the direct jump at site (an unchained exit; written at buf) to code. */
void mips_jitx_patch(uint8_t *buf, const uint8_t *site, const void *code);

#endif
