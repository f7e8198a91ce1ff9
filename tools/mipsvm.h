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
	struct mipsvm_stream *streams;	/* open transfer sockets, for poll() */
};

/* Fills the Linux port and makes the host over it (net: mipsvm_net()); false if out of memory. */
bool mipsvm_host_init(struct mipsvm_host *h, const struct mips_host_config *cfg);
/* Reads a whole file into a malloc'd buffer; NULL (errno set) on failure. */
char *mipsvm_read_file(const char *path, size_t *len);

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
