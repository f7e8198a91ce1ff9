/* linux_guest.h: the "linux" and "initrd" modules of a Linux guest: pairing, options, loading. */
#ifndef VMX_LINUX_GUEST_H
#define VMX_LINUX_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmx/loader.h"
#include "vmx/vcpu.h"

/* A module line "linux name=NAME mem=SIZE [timeout=T] -- KERNEL COMMAND LINE": the words before
 * " -- " are Tally's, everything after it is the kernel's, verbatim. */
#define LINUX_SEPARATOR " -- "
#define LINUX_OPTIONS_MAX 256

/* True when the module's own words (before " -- ") hold the word "linux". */
bool linux_module_is_kernel(const char *cmdline);
/* The module's own words, copied into buf; NULL when they do not fit. */
const char *linux_module_options(const char *cmdline, char *buf, size_t size);
/* Loads the linux module `index` and the initrd module of the same name into v's memory (mem
 * bytes, made here). Returns 0, or -1 after printing "guest NAME: not started: why". */
int linux_guest_load(struct vcpu *v, size_t index, uint64_t mem, struct guest_boot *boot);
/* Reports every initrd module that no linux module names ("not started"). */
void linux_report_orphan_initrds(void);

#endif
