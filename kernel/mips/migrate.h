/* migrate.h: live migration of MIPS VMs over TCP: Tally's listener and the transfers in flight,
 * pumped from the main loop (the protocol itself is mips/mig_*.c). */
#ifndef KERNEL_MIGRATE_H
#define KERNEL_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

struct mips_vm;
struct mips_port;

/* Listens on migrate_port (default 7283) when there is a network; port is what received VMs use. */
void migrate_init(const struct mips_port *port);
/* Pumps every transfer; never blocks. */
void migrate_poll(void);
/* Starts moving vm to "a.b.c.d[:port]"; the VM keeps running meanwhile. Prints the outcome now
 * (when it cannot start) or later (from migrate_poll). */
void migrate_start(struct mips_vm *vm, const char *target);
/* True while vm is being sent. */
bool migrate_sending(const struct mips_vm *vm);
/* Transfers in flight, both ways (the main loop stays up for them). */
size_t migrate_active(void);
/* Gives up on any transfer of vm (it is being killed): a paused VM is released first. */
void migrate_cancel(const struct mips_vm *vm);

#endif
