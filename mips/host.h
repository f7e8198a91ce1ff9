/* host.h: the portable MIPS host both Tally and mipsvm run: a growing table of VMs run round-robin,
 * their output lines, kill, adoption of received VMs, and the migration transfers over an abstract
 * non-blocking byte stream. The platform keeps only its transport, console, input and storage. */
#ifndef MIPS_HOST_H
#define MIPS_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mips.h"

/* How a VM's output reaches the console. */
enum mips_host_lines {
	MIPS_HOST_RAW,		/* guest bytes as they come, diagnostics unprefixed (one VM) */
	MIPS_HOST_NAME_COLON,	/* "name: " at each guest line start, bytes as they come (mipsvm) */
	MIPS_HOST_BRACKETS,	/* whole lines "[name] ...", diagnostics too (Tally's console) */
};

/*
 * The platform's transport: one non-blocking byte stream per transfer (void *s). send and recv
 * answer like struct mips_mig_io (a count or MIPS_IO_AGAIN/_EOF/_ERR). Any may be NULL when the
 * platform has no network; then no transfer starts.
 */
struct mips_host_net {
	/* "host[:port]": a connecting stream, or NULL with why ("cannot connect"). */
	void *(*connect)(void *ud, const char *target, char *why, size_t cap);
	/* A new incoming stream (peer filled in), or NULL when none waits or nobody listens. */
	void *(*accept)(void *ud, char *peer, size_t cap);
	/* 16 fresh random bytes for a receiver's greeting; false with why. */
	bool (*nonce)(void *ud, uint8_t out[MIPS_MIG_NONCE_SIZE], char *why, size_t cap);
	void (*unlisten)(void *ud);	/* config.once: no more incoming after the first VM (NULL: no-op) */
	long (*send)(void *s, const void *buf, size_t len);
	long (*recv)(void *s, void *buf, size_t len);
	const char *(*error)(void *s);
	size_t (*pending)(void *s);	/* may be NULL */
	void (*shutdown)(void *s);	/* stop sending, keep reading (a refused stream drains); may be NULL */
	void (*close)(void *s);		/* graceful; the stream is gone after it */
	void (*abort)(void *s);		/* reset; the stream is gone after it */
};

struct mips_host_config {
	enum mips_host_lines lines;
	uint64_t slice;			/* instructions per turn of a VM without its own */
	bool report_ends;		/* "mips: 'NAME' exited after N instructions" when a VM ends */
	bool resume_slice;		/* the resume line ends ", slice N" */
	bool once;			/* stop listening after the first VM received */
	uint32_t recv_budget;		/* most bytes one receiving pump takes (0: no bound) */
	uint64_t accept_every_ns;	/* while VMs run, look for connections this often (0: every poll) */
	uint64_t drain_ns;		/* after a refusal, read and drop this long (0: 2 s) so the NAK is not reset away */
	struct mips_mig_config mig;	/* key, memory limit and timeout of every transfer (the one watchdog) */
	/* Incoming transfers at once (0: 8), refused streams draining not counted (as many again may
	 * drain; past that a refused stream is closed at once). At the bound a new connection evicts
	 * the oldest sender not yet authenticated, else it is answered with a NAK "busy". */
	size_t in_max;
	uint64_t header_ns;		/* a sender must be authenticated (header checked, first round begun) within this (0: 5 s) */
	uint64_t total_ns;		/* an incoming transfer must end within this (0: 10 min) */
	/* Most memory the received VMs still live and the incoming transfers may hold together, each
	 * counted at its memory limit (0: no cap). A transfer gets min(mig.mem_limit, what is left) as
	 * its limit, so a VM that does not fit is refused by its header, before it takes memory. */
	uint64_t in_mem_total;
	const char *in_mem_name;	/* how refusals name in_mem_total's share ("--listen-mem"; NULL: "share of received-VM memory") */
	void (*begin_line)(void *ud);	/* before each whole line the host prints (NULL: none) */
};

struct mips_host;

/*
 * A host over the platform's base port: its alloc, input, clock and storage serve the VMs; its
 * write (with vm NULL) takes the bytes the host prints: guest output goes to MIPS_STREAM_OUT,
 * messages to MIPS_STREAM_DIAG, each message a whole line. net may be NULL. NULL if out of memory.
 */
struct mips_host *mips_host_new(const struct mips_port *base, const struct mips_host_net *net,
				const struct mips_host_config *cfg);
/* Frees every VM and abandons every transfer (a paused VM runs again first). */
void mips_host_free(struct mips_host *h);
/* The port VMs and the assembler use (its write prefixes, its migrate starts a transfer). */
const struct mips_port *mips_host_port(struct mips_host *h);
struct mips_host_config *mips_host_config(struct mips_host *h);
/* Marks the platform's listener open (it counts as work while there is one). */
void mips_host_set_listening(struct mips_host *h, bool on);

/* ---- the VM table (host.c) ---- */

/* False (with "<what>: cannot start 'NAME': a VM with that name exists") if a live VM has name. */
bool mips_host_name_free(struct mips_host *h, const char *what, const char *name);
/* A fresh VM entered in the table under name (an ended VM's record with that name goes), so its
 * output while loading already finds its name; slice 0: the config's. NULL if out of memory. */
struct mips_vm *mips_host_new_vm(struct mips_host *h, const char *name, uint32_t mem_limit, uint64_t slice);
/* Takes a VM built elsewhere into the table under name (NULL: its own); false if out of memory. */
bool mips_host_add(struct mips_host *h, struct mips_vm *vm, const char *name, uint64_t slice);
/* Takes vm out of the table and frees it (a start that failed). */
void mips_host_drop(struct mips_host *h, struct mips_vm *vm);
size_t mips_host_count(const struct mips_host *h);
struct mips_vm *mips_host_vm(const struct mips_host *h, size_t i);
/* The host's name of vm (a received VM may be renamed), the VM's own when not in the table. */
const char *mips_host_name(const struct mips_host *h, const struct mips_vm *vm);
/* The VM named name, or NULL after "no MIPS VM named 'NAME' (try 'vms')". */
struct mips_vm *mips_host_find(struct mips_host *h, const char *name);
/* "running", "blocked", "exited", "faulted", "migrated", "paused" or "killed". */
const char *mips_host_state_name(const struct mips_host *h, const struct mips_vm *vm);
/* Runnable: running or blocked and not killed. Live: runnable, or paused while its last pages go. */
bool mips_host_runnable(const struct mips_host *h, const struct mips_vm *vm);
bool mips_host_live(const struct mips_host *h, const struct mips_vm *vm);
size_t mips_host_live_count(const struct mips_host *h);
/* One slice for every runnable VM (mips_sched_round, each with its own slice), reporting the ends;
 * returns how many can run on their next turn. */
size_t mips_host_round(struct mips_host *h);
/* Ends vm's unfinished output line, before a message about it. */
void mips_host_end_line(struct mips_host *h, const struct mips_vm *vm);
/* Prints one message line (printf-like, %s %d %u %x %zu %llu) on the DIAG stream. */
void mips_host_msg(struct mips_host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Shell commands: each prints its result or a one-line error. */
void mips_host_list(struct mips_host *h);
void mips_host_dump(struct mips_host *h, const char *name);
void mips_host_kill(struct mips_host *h, const char *name);
void mips_host_migrate(struct mips_host *h, const char *name, const char *target);

/* ---- transfers (host_mig.c) ---- */

/* Starts moving vm to target; it runs on meanwhile. Prints "started" or why not. */
void mips_host_mig_start(struct mips_host *h, struct mips_vm *vm, const char *target);
/* Accepts connections and pumps every transfer once; true if bytes moved or a transfer ended. */
bool mips_host_mig_poll(struct mips_host *h, bool vms_runnable);
bool mips_host_sending(const struct mips_host *h, const struct mips_vm *vm);
/* Transfers in flight, both ways, drains included. */
size_t mips_host_transfers(const struct mips_host *h);
/* Transfers in flight or a listener open. */
bool mips_host_busy(const struct mips_host *h);
/* Calls off vm's outgoing transfer ("migrate: 'NAME' to T: called off"); a paused VM runs again. */
void mips_host_mig_cancel(struct mips_host *h, const struct mips_vm *vm);

#endif
