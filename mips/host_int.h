/* host_int.h: what host.c and host_mig.c share: the host's table of VMs and of transfers. */
#ifndef MIPS_HOST_INT_H
#define MIPS_HOST_INT_H

#include "host.h"
#include "internal.h"

#define HOST_LINE_MAX	256
#define HOST_PEER_MAX	128

/* One VM of the table: the host's name for it, its slice and its output not yet printed. */
struct host_vm {
	struct mips_vm *vm;
	char name[MIPS_NAME_MAX];
	uint64_t slice;
	bool killed, reported;
	bool mid_line;			/* NAME_COLON: the prefix of the current line is out */
	char line[HOST_LINE_MAX];	/* BRACKETS: output not yet ended by a newline */
	size_t line_len;
	uint32_t in_limit;		/* received over the network: its memory limit, counted in cfg.in_mem_total */
	uint64_t run_ns;		/* time in its slices here (the platform's clock), for vms */
};

struct host_transfer;

struct mips_host {
	struct mips_port base;		/* the platform's */
	struct mips_port port;		/* the VMs': write and migrate are the host's */
	struct mips_host_net net;
	bool have_net, listening;
	struct mips_host_config cfg;
	struct host_vm **vms;		/* grows by doubling, never shrinks */
	size_t nvms, cap;
	size_t reserved;		/* records promised to admitted VMs not yet taken */
	struct host_transfer **xfers;
	size_t nxfers, xcap;
	uint64_t next_accept_ns;
};

uint64_t mips_host_now(const struct mips_host *h);
/* A record and a table slot promised to a received VM before its ACK goes; NULL if out of memory. */
struct host_vm *mips_host_admit(struct mips_host *h);
/* The promise is not needed (the transfer failed after all). */
void mips_host_unadmit(struct mips_host *h, struct host_vm *rec);
/* Enters vm in the promised record under a name no live VM has ("fib-2", "fib-3"...) and prints
 * the resume line. Cannot fail: that is why the record was promised before the ACK. */
void mips_host_adopt(struct mips_host *h, struct host_vm *rec, struct mips_vm *vm, const char *from);
/* Grows a pointer table by doubling; false if out of memory. */
bool mips_host_grow(const struct mips_host *h, void ***tab, size_t *cap, size_t need);
void mips_host_mig_free_all(struct mips_host *h);
/* Memory the received VMs hold, each at its limit while it is live or has pages (cfg.in_mem_total). */
uint64_t mips_host_received_mem(const struct mips_host *h);

#endif
