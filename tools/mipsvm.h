/* mipsvm.h: the Linux port of mips/ used by the mipsvm tool (stdio, files, monotonic clock) under
 * the portable host (mips/host.h), and its transport for live migration (TCP sockets, mipsvm_migrate.c). */
#ifndef TOOLS_MIPSVM_H
#define TOOLS_MIPSVM_H

#include <stdbool.h>
#include <stdio.h>

#include "mips/host.h"
#include "mips/mips.h"

#define MIPSVM_MAX_VMS		64	/* VMs named on one command line */

struct mipsvm_stream;

struct mipsvm_host {
	FILE *out, *diag;
	struct mips_port base;		/* the Linux callbacks; the host's port wraps them */
	struct mips_host *host;
	int listen_fd;			/* -1: not listening */
	int snap_fd;			/* --snapshot-dir: SNAPSHOT names resolve under it, never out */
	const char *snap_dir;
	size_t snap_max;		/* the largest snapshot a VM within --mem can have */
	struct mipsvm_stream *streams;	/* open transfer sockets, for poll() */
	bool out_midline;		/* the VMs' output so far ends inside a line */
	bool interp;			/* --engine interp: no executable memory, every VM interprets */
	struct mips_exec_mem exec;	/* the translator's code caches (mipsvm_exec_alloc) */
};

/* A message of mipsvm's own on stderr, as one line (a terminal's half line of VM output ended first). */
void mipsvm_note(struct mipsvm_host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Code caches for the translator: the same pages mapped read-and-execute (returned) and
 * read-and-write (*write), as struct mips_exec_mem's alloc and free; NULL when the host refuses. */
void *mipsvm_exec_alloc(void *ud, size_t size, void **write);
void mipsvm_exec_free(void *ud, void *code, void *write, size_t size);

/* Fills the Linux port and makes the host over it (net: mipsvm_net()); false if out of memory.
 * h->interp and h->exec.cache_size are read. */
bool mipsvm_host_init(struct mipsvm_host *h, const struct mips_host_config *cfg);
/* Bytes of the largest snapshot of a VM with mem_limit bytes: every page as a PAGE section
 * (address, 4096 bytes, tag, length, CRC) plus headroom for the header, PROG, CPU and END. */
#define MIPSVM_SNAPSHOT_MAX(mem_limit)	(((size_t)(mem_limit) / 4096 + 1) * (4096 + 16) + (64u << 10))
/* The largest assembly source or config file read (a program is bounded by memory anyway). */
#define MIPSVM_SOURCE_MAX		(16u << 20)
/* Opens --snapshot-dir (default "."); false with a message. */
bool mipsvm_snapshot_dir(struct mipsvm_host *h, const char *dir);
/* Reads a whole file of at most max bytes into a malloc'd buffer; NULL on failure, with errno set
 * (EFBIG: longer than max). dirfd and nofollow as for openat. */
char *mipsvm_read_file_at(int dirfd, const char *path, size_t max, bool nofollow, size_t *len);
char *mipsvm_read_file(const char *path, size_t max, size_t *len);
/* Writes through "path.tmp" and a rename, so a crash never leaves half a file; -1 with errno. */
int mipsvm_write_file_at(int dirfd, const char *path, const void *buf, size_t len, bool nofollow);

/* ---- the transport for live migration: TCP (mipsvm_migrate.c) ---- */

const struct mips_host_net *mipsvm_net(void);
/* --listen [ADDR:]PORT: prints "mipsvm: listening on ADDR:PORT"; false (with a message) on failure. */
bool mipsvm_mig_listen(struct mipsvm_host *h, const char *spec);
/* Accepts and pumps every transfer; when no VM can run and nothing moved, waits in poll() for the
 * sockets a short while instead of spinning. */
void mipsvm_mig_poll(struct mipsvm_host *h, bool vms_runnable);
/* Stops listening (the host's transfers are ended by mips_host_free). */
void mipsvm_mig_close(struct mipsvm_host *h);

#endif
