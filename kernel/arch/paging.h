/* paging.h: the hypervisor's own identity map of physical memory. */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <stdint.h>

/* Extends boot/'s 4 GiB identity map to cover all RAM up to ram_top (1 GiB pages when the CPU has
 * them, else 2 MiB pages), and makes the whole map W^X: the hypervisor's code read-only, every
 * other page no-execute. Returns the highest mapped address. */
uint64_t paging_init(uint64_t ram_top);
/* Identity-maps [phys, phys+size) with caching disabled. Returns 0 or -1 (out of frames). */
int paging_map_uncached(uint64_t phys, uint64_t size);

/*
 * Pages outside the identity map, with permissions of their own: the MIPS translator's code caches
 * (W^X: each mapped twice, kernel/mips/jitmem.c). [PAGING_CODE_BASE, PAGING_CODE_BASE +
 * PAGING_CODE_SIZE) is PML4 entry 1, never identity-mapped (RAM above 512 GiB is not used). The
 * identity map itself is W^X too: the hypervisor's code read-only, the rest no-execute.
 */
#define PAGING_CODE_BASE	0x0000008000000000ull
#define PAGING_CODE_SIZE	0x0000008000000000ull
enum paging_perm { PAGING_RW, PAGING_RX };	/* writable and never executed, or executable and read-only */
/* Maps the 4 KiB page at virt (inside the code region) to frame phys with perm. 0 or -1 (out of
 * frames for the tables). */
int paging_map_4k(uint64_t virt, uint64_t phys, enum paging_perm perm);
/* Removes the page's mapping; returns the frame it mapped (0 if none). */
uint64_t paging_unmap_4k(uint64_t virt);

/* What the page tables say, walked entry by entry with each level's permissions combined: bytes
 * executable in the identity map and in the code region, bytes writable there, and bytes both
 * writable and executable anywhere (W^X: none). */
struct paging_audit {
	uint64_t ident_exec, code_exec, code_write, write_exec;
};
void paging_audit(struct paging_audit *a);

#endif
