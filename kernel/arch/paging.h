/* paging.h: the hypervisor's own identity map of physical memory. */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <stdint.h>

/* Extends boot/'s 4 GiB identity map to cover all RAM up to ram_top (1 GiB pages when the CPU has
 * them, else 2 MiB pages). Returns the highest mapped address. */
uint64_t paging_init(uint64_t ram_top);
/* Identity-maps [phys, phys+size) with caching disabled. Returns 0 or -1 (out of frames). */
int paging_map_uncached(uint64_t phys, uint64_t size);

#endif
