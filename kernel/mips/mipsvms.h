/* mipsvms.h: MIPS VMs inside Tally: started from GRUB modules or the disk, run in the main loop. */
#ifndef KERNEL_MIPSVMS_H
#define KERNEL_MIPSVMS_H

#include <stdbool.h>
#include <stddef.h>

struct mips_vm;
struct mips_port;

#define MIPSVMS_DEFAULT_SLICE 10000

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
/* Starts moving a running VM to "a.b.c.d[:port]" (the shell's migrate command). */
void mipsvms_migrate(const char *name, const char *target);
/* Takes a VM that arrived by migration and runs it (renamed "name-2"... if a live VM has its name);
 * false (vm freed) when the table is full of live VMs. */
bool mipsvms_adopt(struct mips_vm *vm, const char *from);
/* The port VMs run with (the migration receiver builds VMs with it). */
const struct mips_port *mipsvms_port(void);
/* Starts a VM from an assembly file on the disk, optionally resumed from a snapshot file. */
void mipsvms_run_file(const char *source_file, const char *snapshot_file);

#endif
