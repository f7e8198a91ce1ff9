/* mipsvm.h: the Linux port of mips/ used by the mipsvm tool (stdio, files, monotonic clock). */
#ifndef TOOLS_MIPSVM_H
#define TOOLS_MIPSVM_H

#include <stdbool.h>
#include <stdio.h>

#include "mips/mips.h"

#define MIPSVM_MAX_VMS 64

struct mipsvm_host {
	bool prefix;			/* several VMs: prefix each output line with the VM's name */
	FILE *out, *diag;
	struct mips_vm *vms[MIPSVM_MAX_VMS];
	bool at_line_start[MIPSVM_MAX_VMS];
	int nvms;
};

/* Fills port with the Linux callbacks; host becomes its user data. */
void mipsvm_port_init(struct mips_port *port, struct mipsvm_host *host);
/* Registers a VM for output prefixing. */
void mipsvm_host_add(struct mipsvm_host *host, struct mips_vm *vm);
/* Reads a whole file into a malloc'd buffer; NULL (errno set) on failure. */
char *mipsvm_read_file(const char *path, size_t *len);

#endif
