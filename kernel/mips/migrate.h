/* migrate.h: live migration of MIPS VMs over TCP: Tally's listener and net_stream transport under
 * the portable host's transfers (mips/host_mig.c; the protocol itself is mips/mig_*.c). */
#ifndef KERNEL_MIGRATE_H
#define KERNEL_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

struct mips_host_net;

/* The transport the host drives (connect says why while migration is off). */
const struct mips_host_net *migrate_net(void);
/* Reads the migrate_* options; listens on migrate_port (default 7283) when there is a network. */
void migrate_init(void);
/* Accepts and pumps every transfer; never blocks. */
void migrate_poll(void);
/* Transfers in flight, both ways (the main loop stays up for them). */
size_t migrate_active(void);
/* True while Tally listens for incoming migrations. */
bool migrate_listening(void);

#endif
