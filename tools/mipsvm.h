/* mipsvm.h: the Linux port of mips/ used by the mipsvm tool (stdio, files, monotonic clock) and its
 * live-migration host (TCP sockets, mipsvm_migrate.c). */
#ifndef TOOLS_MIPSVM_H
#define TOOLS_MIPSVM_H

#include <stdbool.h>
#include <stdio.h>

#include "mips/mips.h"

#define MIPSVM_MAX_VMS		64
#define MIPSVM_MAX_TRANSFERS	16

struct mipsvm_transfer;

struct mipsvm_host {
	bool prefix;			/* several VMs: prefix each output line with the VM's name */
	FILE *out, *diag;
	const struct mips_port *port;
	struct mips_vm *vms[MIPSVM_MAX_VMS];
	char names[MIPSVM_MAX_VMS][MIPS_NAME_MAX];	/* the host's name: a received VM may be renamed */
	bool at_line_start[MIPSVM_MAX_VMS];
	int nvms;
	/* live migration */
	struct mips_mig_config mig;	/* key for both directions, memory limit for incoming VMs */
	int listen_fd;			/* -1: not listening */
	bool once;			/* stop listening after the first VM received */
	uint64_t next_accept_ns;
	struct mipsvm_transfer *transfers[MIPSVM_MAX_TRANSFERS];
};

/* Fills port with the Linux callbacks; host becomes its user data. */
void mipsvm_port_init(struct mips_port *port, struct mipsvm_host *host);
/* Registers a VM for output prefixing under name (NULL: the VM's own); false when the table is full. */
bool mipsvm_host_add(struct mipsvm_host *host, struct mips_vm *vm, const char *name);
/* The same into slot i (host->nvms appends), replacing what was there. */
void mipsvm_host_put(struct mipsvm_host *host, int i, struct mips_vm *vm, const char *name);
/* The host's name of a registered VM (the VM's own name otherwise). */
const char *mipsvm_host_name(const struct mipsvm_host *host, const struct mips_vm *vm);
/* Ends vm's unfinished prefixed line and flushes the output, before a message about it. */
void mipsvm_host_end_line(struct mipsvm_host *host, const struct mips_vm *vm);
/* Not over yet: running, blocked or paused for a migration. */
bool mipsvm_vm_live(const struct mips_vm *vm);
int mipsvm_host_live(const struct mipsvm_host *host);
/* Reads a whole file into a malloc'd buffer; NULL (errno set) on failure. */
char *mipsvm_read_file(const char *path, size_t *len);

/* ---- live migration over TCP (mipsvm_migrate.c) ---- */

/* Nothing in flight, not listening; host->mig must be filled before transfers start. */
void mipsvm_mig_init(struct mipsvm_host *host);
/* --listen [ADDR:]PORT: prints "mipsvm: listening on ADDR:PORT"; false (with a message) on failure. */
bool mipsvm_mig_listen(struct mipsvm_host *host, const char *spec);
/* MIGRATE target "host[:port]": starts sending vm, which runs on; a bad target only prints why. */
void mipsvm_mig_start(struct mipsvm_host *host, struct mips_vm *vm, const char *target);
/* Accepts connections and pumps every transfer; when no VM can run and nothing moved, waits in
 * poll() for the sockets a short while instead of spinning. */
void mipsvm_mig_poll(struct mipsvm_host *host, bool vms_runnable);
/* True while a transfer is in flight or the host listens. */
bool mipsvm_mig_busy(const struct mipsvm_host *host);
/* Abandons every transfer (a paused VM runs again) and stops listening. */
void mipsvm_mig_close(struct mipsvm_host *host);

#endif
