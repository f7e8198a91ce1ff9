/* paging.h: the hypervisor's own identity map of physical memory. */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <stdint.h>

/* Extends boot/'s 4 GiB identity map to cover all RAM up to ram_top (1 GiB pages when the CPU has
 * them, else 2 MiB pages). Returns the highest mapped address. */
uint64_t paging_init(uint64_t ram_top);
/* Identity-maps [phys, phys+size) with caching disabled. Returns 0 or -1 (out of frames). */
int paging_map_uncached(uint64_t phys, uint64_t size);

/*
 * Pages outside the identity map, for memory whose permissions change: the MIPS translator's code
 * caches (W^X). [PAGING_CODE_BASE, PAGING_CODE_BASE + PAGING_CODE_SIZE) is PML4 entry 1, never
 * identity-mapped (RAM above 512 GiB is not used).
 */
#define PAGING_CODE_BASE	0x0000008000000000ull
#define PAGING_CODE_SIZE	0x0000008000000000ull
enum paging_perm { PAGING_RW, PAGING_RX };	/* writable and never executed, or executable and read-only */
/* Maps the 4 KiB page at virt (inside the code region) to frame phys with perm. 0 or -1 (out of
 * frames for the tables). */
int paging_map_4k(uint64_t virt, uint64_t phys, enum paging_perm perm);
/* Changes the permissions of a mapped page (and flushes its TLB entry). */
void paging_protect_4k(uint64_t virt, enum paging_perm perm);
/* Removes the page's mapping; returns the frame it mapped (0 if none). */
uint64_t paging_unmap_4k(uint64_t virt);

#endif
