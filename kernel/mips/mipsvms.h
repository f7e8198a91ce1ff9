/* mipsvms.h: MIPS VMs inside Tally: started from GRUB modules or the disk, run in the main loop by
 * the portable host (mips/host.h); this is its bare-metal port. */
#ifndef KERNEL_MIPSVMS_H
#define KERNEL_MIPSVMS_H

#include <stdbool.h>
#include <stddef.h>

struct mips_host;

#define MIPSVMS_DEFAULT_SLICE 10000
#define MIPSVMS_DEFAULT_JIT_CACHE_KIB 256	/* mips_jit_cache= */

/* Tally's one host, made on first use. */
struct mips_host *mipsvms_host(void);
/* Starts every "mips" module (and "mipsconfig" module); prints what it started. */
void mipsvms_start_modules(void);
/* One slice for every runnable VM; returns how many can run on their next turn. */
size_t mipsvms_round(void);
size_t mipsvms_live(void);

/* Shell commands; each prints its result or a one-line error. */
void mipsvms_list(void);
void mipsvms_dump(const char *name);
void mipsvms_snapshot(const char *name, const char *file);
void mipsvms_kill(const char *name);
/* Starts moving a running VM to "host[:port]" (the shell's migrate command). */
void mipsvms_migrate(const char *name, const char *target);
/* Starts a VM from an assembly file on the disk, optionally resumed from a snapshot file; a VM
 * that has ended gives up its name. */
void mipsvms_run_file(const char *source_file, const char *snapshot_file);

#endif
