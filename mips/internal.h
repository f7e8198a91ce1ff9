/* internal.h: declarations shared inside mips/ (VM layout, memory fast path, formatting). */
#ifndef MIPS_INTERNAL_H
#define MIPS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mips.h"
#include "isa.h"
#include "wire.h"

/* ---- formatting (no libc printf in the kernel): %d %u %x %s %c, width, '0', 'l'/'ll' ---- */
struct mips_strbuf {
	char *buf;
	size_t cap, len;	/* len counts what would have been written; buf stays NUL-terminated */
};
void mips_sb_vprintf(struct mips_strbuf *sb, const char *fmt, va_list ap);
void mips_sb_printf(struct mips_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t mips_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- allocation through the port ---- */
void *mips_alloc(const struct mips_port *port, size_t n);	/* zeroed */
void *mips_realloc(const struct mips_port *port, void *p, size_t osize, size_t nsize);
void mips_free(const struct mips_port *port, void *p, size_t n);

/* Growable byte buffer. */
struct mips_bytes {
	uint8_t *p;
	size_t len, cap;
};
bool mips_bytes_append(const struct mips_port *port, struct mips_bytes *b, const void *src, size_t n);
void mips_bytes_free(const struct mips_port *port, struct mips_bytes *b);

uint64_t mips_fnv1a64(uint64_t h, const void *buf, size_t n);
#define MIPS_FNV_INIT 0xcbf29ce484222325ull


/* ---- VM ---- */

/* A pre-decoded instruction: imm is already extended/shifted as its instruction wants. */
struct mips_op {
	uint8_t id;		/* enum mips_insn_id, or MIPS_OP_REDECODE */
	uint8_t rs, rt, rd;
	uint32_t imm;
};
#define MIPS_OP_REDECODE (MIPS_I_COUNT + 1)	/* text word was stored to: decode again when reached */

#define MIPS_L1_BITS	10
struct mips_l2;		/* a second-level page table: its layout is mem.c's */

#define MIPS_TLB_SIZE	64	/* direct-mapped, by page number; separate for reads and writes */
#define MIPS_TLB_NONE	0xffffffffu
struct mips_tlb {
	uint32_t vpn;
	uintptr_t addend;	/* the page's host address minus its guest address: host = addend + addr */
};

#define MIPS_INBUF_MAX	1024
#define MIPS_JIT_SITES	256
#define MIPS_JIT_SITE_NONE 0xffcu	/* matches no masked address: bits 2-11 are never kept */

struct mips_vm {
	uint32_t r[32];
	uint32_t hi, lo, pc;
	uint64_t icount;
	struct mips_op *ops;	/* one per text word from MIPS_TEXT_BASE */
	uint32_t nops;
	struct mips_tlb rtlb[MIPS_TLB_SIZE], wtlb[MIPS_TLB_SIZE];
	enum mips_vm_state state;
	int exit_code;
	bool migrating;		/* a sender holds it: an exit waits for the transfer (exit_parked) */
	bool exit_parked;	/* PAUSED at its exit syscall, which runs again where it resumes */
	uint32_t brk;		/* the data segment's end (SPIM's data_top) */
	uint32_t stack_bot;	/* the stack segment's bottom: it grows down on touch (mem.c) */
	uint32_t user_text_end;
	uint64_t text_hash;	/* identity of the loaded program (mips_program_text_hash) */
	const struct mips_port *port;
	struct mips_l2 *l1[1u << MIPS_L1_BITS];
	size_t npages;
	uint32_t mem_limit;
	/* The translator's (jit.c): its state, and what generated code reads at fixed offsets. */
	uint8_t engine;		/* enum mips_engine */
	struct mips_jit *jit;	/* NULL until the first translated slice */
	void **jit_entry;	/* per text word: the code of the block starting there, or NULL */
	uint32_t jit_nbytes;	/* text bytes jit_entry covers */
	char name[MIPS_NAME_MAX];
	char fault[MIPS_MSG_MAX];
	uint8_t exc_mode;	/* enum mips_exceptions */
	uint8_t exc_pending;	/* a load or store outside user memory under SPIM's handler ... */
	uint32_t exc_addr;	/* ... at this address (mem.c sets them, cpu.c takes the exception) */
	char inbuf[MIPS_INBUF_MAX];
	size_t inlen;
	bool in_eof;
	/* The FPU, last so the integer fields keep their cache lines (MIPS32 Vol. I-A, 6.4, FR=0). */
	uint32_t fpr[32];	/* $f0-$f31; a double is an even/odd pair */
	uint8_t fcc;		/* FCSR condition flags cc7..cc0 */
	/* Where the text came from, for fault reports (none for a VM that arrived without its source). */
	uint32_t *text_line;	/* source line of each text word */
	uint32_t ntext_line;
	char file[MIPS_FILE_MAX];
	/* The translator's load and store sites: each remembers the last page it reached (its address,
	 * and the TLB's addend for it); MIPS_JIT_SITE_NONE is no page. A site caches a TLB entry and
	 * goes with it (mem.c): every site on a TLB flush, the store sites when the dirty bits are
	 * cleared, so the next store to each page takes the slow path and marks it again. */
	struct mips_jit_site {
		uint32_t page;
		uintptr_t addend;
	} jit_site[MIPS_JIT_SITES], jit_wsite[MIPS_JIT_SITES];
	uint32_t jit_next_site;
};

/* cpu.c: the interpreter, the reference engine (mips_vm_run picks the engine). */
uint64_t mips_interp_run(struct mips_vm *vm, uint64_t budget);

/* jit.c: the translator behind the interpreter. */
uint64_t mips_jit_run(struct mips_vm *vm, uint64_t budget);
/* A store reached the text word at addr: every block holding it is dropped before code runs again. */
void mips_jit_text_written(struct mips_vm *vm, uint32_t addr);
/* The whole text changed (decoded anew): the whole cache goes. */
void mips_jit_text_changed(struct mips_vm *vm);
void mips_jit_free(struct mips_vm *vm);

/* True when addr's page holds text: stores to it never enter the write TLB, so they always reach
 * mips_mem_slow, which notes them for the interpreter (REDECODE) and the translator. */
static inline bool mips_text_page(const struct mips_vm *vm, uint32_t addr)
{
	return addr >= MIPS_TEXT_BASE && (addr - MIPS_TEXT_BASE) >> MIPS_PAGE_SHIFT <
		((uint64_t)vm->nops * 4 + MIPS_PAGE_SIZE - 1) >> MIPS_PAGE_SHIFT;
}

/*
 * mem.c: page lookup. For a guest access (user) the address must lie in a segment (mips_mem_valid)
 * or in the zone below the stack, which grows the stack as SPIM does; otherwise NULL with the bad
 * address pending (exc_pending, exc_addr: the caller takes SPIM's exception), or NULL with the VM
 * stopped (a fault, the stack past its limit, the memory limit).
 */
uint8_t *mips_mem_slow(struct mips_vm *vm, uint32_t addr, bool write, bool user);
/*
 * Whether size bytes at addr lie inside one segment as it stands now (text, data up to the break,
 * stack from its bottom, kdata): a guest load or store there needs no growth and raises nothing.
 * Alignment is the caller's check. The syscalls and the translator's slow paths ask it too.
 */
bool mips_mem_valid(const struct mips_vm *vm, uint32_t addr, uint32_t size);
/* SPIM's "Memory address out of bounds": a syscall's buffer at addr is outside the segments. */
bool mips_mem_out_of_bounds(struct mips_vm *vm, uint32_t addr);
void mips_mem_free_all(struct mips_vm *vm);
void mips_tlb_flush(struct mips_vm *vm);
bool mips_vm_page_present(const struct mips_vm *vm, uint32_t addr);
/* The bytes of the resident page holding addr; NULL if it is not resident. */
const uint8_t *mips_mem_page(const struct mips_vm *vm, uint32_t addr);
/*
 * Walks the resident pages in address order: start with *cursor = 0; each call yields the next
 * page's address, bytes and dirty bit (dirty may be NULL) and returns false after the last.
 */
bool mips_mem_next_page(const struct mips_vm *vm, uint32_t *cursor, uint32_t *addr, const uint8_t **page,
			bool *dirty);

static inline uint8_t *mips_mem_r(struct mips_vm *vm, uint32_t addr)
{
	struct mips_tlb *e = &vm->rtlb[(addr >> MIPS_PAGE_SHIFT) & (MIPS_TLB_SIZE - 1)];
	if (e->vpn == addr >> MIPS_PAGE_SHIFT)
		return (uint8_t *)(e->addend + addr);
	return mips_mem_slow(vm, addr, false, true);
}

static inline uint8_t *mips_mem_w(struct mips_vm *vm, uint32_t addr)
{
	struct mips_tlb *e = &vm->wtlb[(addr >> MIPS_PAGE_SHIFT) & (MIPS_TLB_SIZE - 1)];
	if (e->vpn == addr >> MIPS_PAGE_SHIFT)
		return (uint8_t *)(e->addend + addr);
	return mips_mem_slow(vm, addr, true, true);
}

/* vm.c */
void mips_vm_faultf(struct mips_vm *vm, uint32_t pc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void mips_vm_diagf(struct mips_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mips_vm_out(struct mips_vm *vm, const char *s, size_t n);
void mips_op_decode(struct mips_op *op, uint32_t word, uint32_t pc);
bool mips_vm_predecode(struct mips_vm *vm, uint32_t text_end);
uint64_t mips_program_text_hash(const uint32_t *text, size_t n);
uint64_t mips_vm_text_hash_now(const struct mips_vm *vm, uint32_t text_end);

/* snapshot.c, snapshot_load.c: pieces of the snapshot format that migration shares. */
/* Version 1's CPU record (integer state); version 2's: the same, then $f0-$f31 and the FCSR
 * condition flags (u32 each); version 3's: then the stack segment's bottom (u32). */
#define MIPS_CPU_RECORD_SIZE_V1	(35u * 4 + 8 + 3 * 4)
#define MIPS_CPU_RECORD_SIZE_V2	(MIPS_CPU_RECORD_SIZE_V1 + 33u * 4)
#define MIPS_CPU_RECORD_SIZE	(MIPS_CPU_RECORD_SIZE_V2 + 4)
void mips_snap_put_cpu(const struct mips_vm *vm, enum mips_vm_state state, uint8_t out[MIPS_CPU_RECORD_SIZE]);
/* Restores a CPU record of n bytes (any size above; a version-1 record leaves the FPU at zero, and
 * an older one than 3 gets the stack its resident pages show) into vm, after its pages; NULL, or
 * the name of the failed check. */
const char *mips_snap_get_cpu(struct mips_vm *vm, const uint8_t *p, uint32_t n, uint32_t text_end);
bool mips_snap_text_bounds_ok(uint32_t text_end, uint32_t user_end);
bool mips_snap_page_addr_ok(uint32_t addr);
/* After every page is in: checks the text is whole and decodes it; NULL, or the failed check. */
const char *mips_vm_restore_finish(struct mips_vm *vm, uint32_t text_end);

/* exception.c: SPIM's handler. The exceptions it reports, in the order of its table. */
enum mips_exc { MIPS_EXC_ADEL, MIPS_EXC_ADES, MIPS_EXC_DBE, MIPS_EXC_BP, MIPS_EXC_RI, MIPS_EXC_OV, MIPS_EXC_TR,
		MIPS_EXC_FPE, MIPS_EXC_COUNT };
/* Under MIPS_EXCEPTIONS_SPIM reports exc at pc (addr: the bad address) and returns true: the caller
 * goes on after the instruction. Otherwise false: the caller stops the VM with its fault. */
bool mips_exception(struct mips_vm *vm, uint32_t pc, enum mips_exc exc, uint32_t addr);
/* Reached the word after the program's text: SPIM ends the program with a message; true under stop. */
bool mips_text_end(struct mips_vm *vm, uint32_t pc);

/* fpu.c: runs one COP1 arithmetic, conversion, move or compare op. */
void mips_fpu_exec(struct mips_vm *vm, const struct mips_op *op);
/* The condition flags and $f0-$f31, DUMP_PROCESSOR_STATE's lines after the general registers. */
void mips_fpu_dump(struct mips_vm *vm);

/* syscall.c: runs the syscall at vm->pc; false when the VM must stop (exit, block, fault). */
bool mips_syscall(struct mips_vm *vm);
/* para.c: the para-instructions; false when the VM must stop. An argument is at most
 * MIPS_PARA_ARG_MAX - 1 bytes (the assembler refuses longer ones). */
#define MIPS_PARA_ARG_MAX 256
bool mips_para(struct mips_vm *vm, enum mips_insn_id id, uint32_t word);

#endif
