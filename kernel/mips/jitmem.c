/*
 * jitmem.c: executable memory for the MIPS translator's code caches, W^X: each cache is frames
 * mapped at its own addresses in the code region (kernel/arch/paging.h) with 4 KiB pages, either
 * writable and not executable (while the translator writes) or executable and read-only (while
 * guest code runs); never both.
 */
#include "kernel/arch/paging.h"
#include "kernel/console.h"
#include "kernel/mips/jitmem.h"
#include "kernel/mm/mm.h"

/* Addresses handed out so far: a cache's range is not reused (the region has 512 GiB). */
static uint64_t next_virt = PAGING_CODE_BASE;
static struct mips_exec_mem mem;

static void jit_free(void *ud, void *p, size_t size)
{
	(void)ud;
	for (uint64_t v = (uintptr_t)p; v < (uintptr_t)p + size; v += PAGE_SIZE) {
		uint64_t phys = paging_unmap_4k(v);
		if (phys)
			pmm_free_page(phys);
	}
}

static void *jit_alloc(void *ud, size_t size)
{
	size = PAGE_ALIGN_UP(size);
	if (next_virt + size > PAGING_CODE_BASE + PAGING_CODE_SIZE)
		return NULL;
	uint64_t base = next_virt;
	next_virt += size + PAGE_SIZE;	/* an unmapped page between two caches */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t frame = pmm_alloc_page();
		if (!frame || paging_map_4k(base + off, frame, PAGING_RW) < 0) {
			if (frame)
				pmm_free_page(frame);
			jit_free(ud, (void *)(uintptr_t)base, off);
			return NULL;
		}
	}
	return (void *)(uintptr_t)base;
}

static int jit_protect(void *ud, void *p, size_t size, int exec)
{
	(void)ud;
	for (uint64_t v = (uintptr_t)p; v < (uintptr_t)p + size; v += PAGE_SIZE)
		paging_protect_4k(v, exec ? PAGING_RX : PAGING_RW);
	return 0;
}

const struct mips_exec_mem *jitmem_get(size_t cache_bytes)
{
	mem = (struct mips_exec_mem){ NULL, jit_alloc, jit_protect, jit_free, cache_bytes };
	return &mem;
}
