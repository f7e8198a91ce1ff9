/* mips.h: public API of the portable MIPS32 engine: assembler, VMs, scheduler, snapshots. */
#ifndef MIPS_H
#define MIPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

/*
 * Memory map: SPIM 8.0's segments and its default sizes (measured against Debian's spim). A guest
 * load or store outside them is a bad address (mem.c, mips_mem_valid).
 *   text   MIPS_TEXT_BASE .. MIPS_TEXT_TOP (or the program's end, if longer)
 *   data   MIPS_SDATA_BASE .. the break (sbrk moves it up; MIPS_HEAP_MIN at first, at most MIPS_DATA_END)
 *   stack  its bottom .. MIPS_STACK_TOP; MIPS_STACK_BOT_INIT at first, grown when the program touches
 *          the MIPS_STACK_ZONE below it, to at most MIPS_STACK_LIMIT bytes
 *   kdata  MIPS_KDATA_BASE .. MIPS_KDATA_TOP (Tally keeps the para-instruction strings there)
 */
#define MIPS_TEXT_BASE	0x00400000u
#define MIPS_TEXT_TOP	0x00410000u
#define MIPS_SDATA_BASE	0x10000000u	/* SPIM's small data (.extern), reached through $gp */
#define MIPS_SDATA_SIZE	0x10000u
#define MIPS_DATA_BASE	0x10010000u
#define MIPS_GP_INIT	0x10008000u
#define MIPS_SP_INIT	0x7fffeffcu
#define MIPS_HEAP_MIN	0x10020000u	/* SPIM's first break: its first sbrk answer */
#define MIPS_DATA_END	0x70000000u	/* the break stays below, far from the stack's zone */
#define MIPS_STACK_TOP	0x80000000u
#define MIPS_STACK_BOT_INIT 0x7fff0000u
#define MIPS_STACK_LIMIT (256u << 10)
#define MIPS_STACK_ZONE	(16u << 20)
#define MIPS_KDATA_BASE	0x90000000u
#define MIPS_KDATA_TOP	0x90010000u
#define MIPS_USER_LOW	0x00400000u	/* every user segment lies in [USER_LOW, USER_END) but kdata */
#define MIPS_USER_END	0x80000000u
#define MIPS_PAGE_SHIFT	12
#define MIPS_PAGE_SIZE	(1u << MIPS_PAGE_SHIFT)

#define MIPS_DEFAULT_MEM_LIMIT	(64u << 20)
#define MIPS_NAME_MAX	32
#define MIPS_MSG_MAX	256
#define MIPS_FILE_MAX	64	/* the source file's name as fault reports show it (its last component) */

/* ---- assembler ---- */

/* An assembled program: text words, initial data, para-instruction strings, entry point. */
struct mips_program {
	uint32_t *text;		/* words at MIPS_TEXT_BASE, exit stub included */
	uint32_t *text_line;	/* source line of each text word (0 for the stub) */
	size_t ntext;
	uint8_t *data;		/* bytes at MIPS_DATA_BASE */
	size_t ndata;
	uint8_t *kdata;		/* bytes at MIPS_KDATA_BASE */
	size_t nkdata;
	uint32_t entry;		/* main, else the first text word */
	uint32_t user_text_end;	/* first byte after the program's own text (the exit stub starts here) */
	char file[MIPS_FILE_MAX]; /* the source's name, for runtime faults' file:line */
};

/*
 * Assembles src (len bytes, named file in messages). Every error goes to port->write
 * (MIPS_STREAM_DIAG) as "file:line:col: error: ..."; returns the number of errors, and on 0
 * fills *out (free it with mips_program_free).
 */
int mips_assemble(const struct mips_port *port, const char *file, const char *src, size_t len,
		  struct mips_program *out);
/* The same, refusing (before doing the work) a program whose text, data and para strings together
 * exceed mem_limit bytes, the memory of the VM that will run it (0: MIPS_DEFAULT_MEM_LIMIT). */
int mips_assemble_limited(const struct mips_port *port, const char *file, const char *src, size_t len,
			  uint32_t mem_limit, struct mips_program *out);
void mips_program_free(const struct mips_port *port, struct mips_program *prog);

/* ---- VMs ---- */

enum mips_vm_state {
	MIPS_VM_RUNNING,
	MIPS_VM_BLOCKED,	/* waiting for input; retried on its next turn */
	MIPS_VM_EXITED,
	MIPS_VM_FAULTED,
	MIPS_VM_MIGRATED,
	MIPS_VM_PAUSED,		/* stopped for the last round of an outgoing migration */
};

struct mips_vm;

/* What a guest exception does: SPIM's default handler reports it and continues after the
 * instruction (the default), or the VM stops with a fault report. */
enum mips_exceptions { MIPS_EXCEPTIONS_SPIM, MIPS_EXCEPTIONS_STOP };
void mips_vm_set_exceptions(struct mips_vm *vm, enum mips_exceptions mode);

/* Which engine runs the VM: the translator to x86-64 (where the host gives executable memory,
 * MIPS_PORT_JIT and mips_port.exec), or the interpreter, the reference. Both give the same results
 * to the instruction. A new VM takes the translator when its port offers it. */
enum mips_engine { MIPS_ENGINE_INTERP, MIPS_ENGINE_JIT };
/* False (the engine unchanged) when the translator is asked for and the port cannot have it. */
bool mips_vm_set_engine(struct mips_vm *vm, enum mips_engine engine);
/* The engine: a translated VM whose code cache cannot be had (the port's alloc fails) says so
 * once on its diagnostics and is interpreted from then on. */
enum mips_engine mips_vm_engine(const struct mips_vm *vm);
/* The translator's figures: blocks translated, blocks dropped because a store reached one of their
 * words, cache flushes (a full cache, new text), exits to the interpreter for one instruction,
 * direct jumps linked (chains; chain_exits of them found unlinked while running) (zeros under the
 * interpreter). */
struct mips_jit_stats {
	uint64_t blocks, dropped, flushes, interp_steps, chains, chain_exits;
};
void mips_vm_jit_stats(const struct mips_vm *vm, struct mips_jit_stats *st);

/*
 * The one rule for VM names that come from outside (snapshots, migration streams): 1 to
 * MIPS_NAME_MAX - 1 bytes of [A-Za-z0-9._-], so a name can be printed and used as a key as it is.
 */
bool mips_vm_name_ok(const char *name, size_t len);
/* name is the host's (it is not checked here; "" takes the name a snapshot carries). */
struct mips_vm *mips_vm_new(const struct mips_port *port, const char *name, uint32_t mem_limit);
void mips_vm_free(struct mips_vm *vm);
/* Returns an ended VM's memory (pages and decoded text) to the port; its registers, counts and
 * state stay for listing and DUMP_PROCESSOR_STATE. It must not run again. */
void mips_vm_release(struct mips_vm *vm);
/* Loads an assembled program into a fresh VM; false (with a message) if memory runs out. */
bool mips_vm_load(struct mips_vm *vm, const struct mips_program *prog);
/* Keeps prog's file name and line table in vm, so its runtime faults name file:line (mips_vm_load
 * does it; a VM restored from a snapshot of prog gets it this way). */
void mips_vm_keep_source(struct mips_vm *vm, const struct mips_program *prog);
/* Runs at most budget instructions; returns how many ran. Stops early on exit, fault, block. */
uint64_t mips_vm_run(struct mips_vm *vm, uint64_t budget);

enum mips_vm_state mips_vm_state(const struct mips_vm *vm);
const char *mips_vm_name(const struct mips_vm *vm);
int mips_vm_exit_code(const struct mips_vm *vm);
uint64_t mips_vm_icount(const struct mips_vm *vm);
uint32_t mips_vm_pc(const struct mips_vm *vm);
uint32_t mips_vm_reg(const struct mips_vm *vm, unsigned r);
void mips_vm_set_reg(struct mips_vm *vm, unsigned r, uint32_t v);
uint32_t mips_vm_hi(const struct mips_vm *vm);
uint32_t mips_vm_lo(const struct mips_vm *vm);
/* The fault message ("" unless faulted). */
const char *mips_vm_fault(const struct mips_vm *vm);
/* Debugger-style access to guest memory (no user-range check); false if the page limit is hit. */
bool mips_vm_read(struct mips_vm *vm, uint32_t addr, void *buf, size_t n);
bool mips_vm_write(struct mips_vm *vm, uint32_t addr, const void *buf, size_t n);
/* Prints the DUMP_PROCESSOR_STATE block to the VM's output stream. */
void mips_vm_dump_state(struct mips_vm *vm);

/* Page bookkeeping (what pre-copy migration resends): touched pages and their dirty bits. */
size_t mips_vm_page_count(const struct mips_vm *vm);
bool mips_vm_page_dirty(const struct mips_vm *vm, uint32_t addr);
void mips_vm_clear_dirty(struct mips_vm *vm);

/* ---- scheduler ---- */

struct mips_sched {
	struct mips_vm **vms;
	size_t nvms;
	uint64_t slice;		/* vm_exec_slice_in_instructions */
};

/* Gives every live VM one slice in order; returns how many VMs can still run. */
size_t mips_sched_round(struct mips_sched *s);
/* Rounds until every VM has ended (exited, faulted, migrated). */
void mips_sched_run(struct mips_sched *s);

/* ---- snapshots (layout in snapshot_fmt.h) ---- */

/* Receives snapshot bytes in order; returns 0 or negative to abort. */
typedef int (*mips_sink)(void *ctx, const void *buf, size_t len);

/* Streams the whole VM: every resident page, then the CPU. */
int mips_snapshot_write(struct mips_vm *vm, mips_sink sink, void *ctx);
/* Serialises into a port-allocated buffer (free with port->alloc(ud, p, len, 0)). */
bool mips_snapshot_to_buffer(struct mips_vm *vm, void **out, size_t *len);
/*
 * Restores a fresh VM (from mips_vm_new) from bytes. Returns false and writes the failed check
 * into msg ("snapshot: <check> check failed at offset N") on any inconsistency. The text words in
 * the snapshot must hash to the text hash it stores; expect_prog, if non-NULL, must have that hash.
 */
bool mips_snapshot_load(struct mips_vm *vm, const void *buf, size_t len,
			const struct mips_program *expect_prog, char msg[MIPS_MSG_MAX]);
/* The same, reading the bytes from the port's named storage (what SNAPSHOT <name> wrote). */
bool mips_snapshot_load_named(struct mips_vm *vm, const char *name, const struct mips_program *expect_prog,
			      char msg[MIPS_MSG_MAX]);

/* ---- live migration (protocol in mig_int.h) ---- */

#define MIPS_MIG_DEFAULT_PORT	7283
#define MIPS_MIG_NONCE_SIZE	16
#define MIPS_MIG_KEY_MAX	128

/* The transport, non-blocking: the host's TCP socket, lwIP stream or test pipe. */
#define MIPS_IO_AGAIN	0	/* nothing now: pump again later */
#define MIPS_IO_EOF	(-1)	/* recv: the peer closed its side */
#define MIPS_IO_ERR	(-2)	/* the connection failed: error() says why */
struct mips_mig_io {
	void *ctx;
	/* Takes up to len bytes; returns how many (MIPS_IO_AGAIN when full) or MIPS_IO_ERR. */
	long (*send)(void *ctx, const void *buf, size_t len);
	/* Reads up to len bytes; returns how many, MIPS_IO_AGAIN, MIPS_IO_EOF or MIPS_IO_ERR. */
	long (*recv)(void *ctx, void *buf, size_t len);
	/* Why the connection failed ("connection refused"...). */
	const char *(*error)(void *ctx);
	/* Bytes sent but not yet acknowledged by the peer (NULL: unknown, taken as 0). The sender
	 * lets a round drain before it measures the next, so the pause does not wait on a queue. */
	size_t (*pending)(void *ctx);
};

struct mips_mig_config {
	const void *key;		/* migrate_key: HMAC-SHA256 key both ends share; NULL: none */
	size_t keylen;			/* at most MIPS_MIG_KEY_MAX */
	uint8_t nonce[MIPS_MIG_NONCE_SIZE];	/* receiver: fresh random bytes per connection */
	uint32_t mem_limit;		/* receiver: most memory one incoming VM may take (0: default) */
	/* receiver: how refusals name mem_limit ("migrate_mem=", "--mem"; NULL: "memory") and this
	 * host ("Tally", "mipsvm"; NULL: "this host"), so running out of the VM's limit and running
	 * out of the host's own memory are never confused */
	const char *limit_name, *host_name;
	uint32_t max_rounds;		/* sender: pre-copy rounds before pausing anyway (0: 30) */
	uint64_t max_downtime_ns;	/* sender: pause once the rest fits in this (0: 5 ms) */
	uint64_t timeout_ns;		/* either: fail when nothing moves for this long (0: 10 s) */
	/* receiver: asked once the VM is verified, before the ACK goes; false refuses it ("refused:
	 * <why>" to both ends), so a host never drops a VM its sender was told arrived (NULL: taken). */
	bool (*admit)(void *ctx, struct mips_vm *vm, char *why, size_t cap);
	void *admit_ctx;
};

enum mips_mig_status {
	MIPS_MIG_ACTIVE,	/* pump again */
	MIPS_MIG_DONE,		/* sender: acknowledged, the VM is MIGRATED; receiver: the VM is ready */
	MIPS_MIG_FAILED,	/* mips_mig_*_error() says why; sender: the VM runs on here */
};

struct mips_mig_stats {
	uint32_t rounds;	/* pre-copy rounds plus the final one */
	uint64_t pages;		/* page records sent or received, resends included */
	uint64_t final_pages;	/* pages in the paused round */
	uint64_t bytes;		/* stream bytes, both directions */
	uint64_t total_ns;	/* sender: start to acknowledgement; receiver: first byte to resume */
	uint64_t downtime_ns;	/* sender: paused to acknowledged; receiver: paused (by the sender's
				 * account, bounded by the receiver's total) to verified and ready */
};

struct mips_mig_out;
struct mips_mig_in;

/* Starts sending vm, which keeps running while it is pumped. NULL if memory is out. */
struct mips_mig_out *mips_mig_out_start(struct mips_vm *vm, const struct mips_mig_config *cfg,
					const struct mips_mig_io *io);
/* Moves as many bytes as the transport takes (bounded, so the caller's loop stays live). */
enum mips_mig_status mips_mig_out_pump(struct mips_mig_out *m);
const char *mips_mig_out_error(const struct mips_mig_out *m);
void mips_mig_out_stats(const struct mips_mig_out *m, struct mips_mig_stats *st);
struct mips_vm *mips_mig_out_vm(const struct mips_mig_out *m);
/* Ends the sender; a transfer still ACTIVE is abandoned and a paused VM runs again. */
void mips_mig_out_free(struct mips_mig_out *m);

/* Starts receiving on an accepted connection: the greeting (nonce, key needed, memory limit) goes first. */
struct mips_mig_in *mips_mig_in_start(const struct mips_port *port, const struct mips_mig_config *cfg,
				      const struct mips_mig_io *io);
enum mips_mig_status mips_mig_in_pump(struct mips_mig_in *m);
const char *mips_mig_in_error(const struct mips_mig_in *m);
void mips_mig_in_stats(const struct mips_mig_in *m, struct mips_mig_stats *st);
/* The sender has proved itself: its header passed every check (its HMAC with the key, when one is
 * set) and its first round has begun. A host under load refuses streams that have not, first. */
bool mips_mig_in_authenticated(const struct mips_mig_in *m);
/* After DONE: the received VM, RUNNING where the sender paused it; the caller owns it from here. */
struct mips_vm *mips_mig_in_take(struct mips_mig_in *m);
/* Ends the receiver; a VM not taken is discarded. */
void mips_mig_in_free(struct mips_mig_in *m);

/*
 * The outcome line both hosts print after "migrate: " once a pump returned DONE or FAILED:
 * "'NAME' moved to TARGET: <stats>", "'NAME' to TARGET failed: <why>; 'NAME' continues here"
 * (without the last part if the VM ended meanwhile); "'NAME' received from PEER: <stats>" (before
 * mips_mig_in_take), "from PEER: <why>; what arrived is discarded".
 */
void mips_mig_out_outcome(const struct mips_mig_out *m, const char *target, char *buf, size_t cap);
void mips_mig_in_outcome(const struct mips_mig_in *m, const char *peer, char *buf, size_t cap);

/* One line for either console: "N rounds, N pages (N in the paused round), N bytes, total N.N ms,
 * downtime N.N ms, N.N MB/s". */
void mips_mig_stats_format(const struct mips_mig_stats *st, char *buf, size_t cap);

/* Small helpers shared with hosts and tests. */
uint32_t mips_crc32(uint32_t crc, const void *buf, size_t n);
/* Disassembles one word in the assembler's syntax. */
void mips_disasm(uint32_t word, uint32_t pc, char *buf, size_t cap);

#endif
