/*
 * jitmem.c: executable memory for the MIPS translator's code caches, W^X: each cache is frames
 * mapped twice in the code region (kernel/arch/paging.h) with 4 KiB pages, once executable and
 * read-only (where guest code runs) and once writable and never executable (where the translator
 * writes it), so no mapping is ever both and none changes while the cache lives (mips/port.h).
 */
#include "kernel/arch/paging.h"
#include "kernel/console.h"
#include "kernel/mips/jitmem.h"
#include "kernel/mm/mm.h"

/* Addresses handed out so far: a range is not reused (the region has 512 GiB). */
static uint64_t next_virt = PAGING_CODE_BASE;
static struct mips_exec_mem mem;

/* Unmaps size bytes from both views; the frames go back (they are the code view's). */
static void jit_free(void *ud, void *code, void *write, size_t size)
{
	(void)ud;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		if (write)
			paging_unmap_4k((uintptr_t)write + off);
		uint64_t phys = paging_unmap_4k((uintptr_t)code + off);
		if (phys)
			pmm_free_page(phys);
	}
}

static void *jit_alloc(void *ud, size_t size, void **write)
{
	size = PAGE_ALIGN_UP(size);
	if (next_virt + 2 * (size + PAGE_SIZE) > PAGING_CODE_BASE + PAGING_CODE_SIZE)
		return NULL;
	uint64_t code = next_virt, wr = next_virt + size + PAGE_SIZE;
	next_virt += 2 * (size + PAGE_SIZE);	/* an unmapped page after each view */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t frame = pmm_alloc_page();
		bool mapped = frame && paging_map_4k(code + off, frame, PAGING_RX) == 0;
		if (!mapped || paging_map_4k(wr + off, frame, PAGING_RW) < 0) {
			if (mapped)
				paging_unmap_4k(code + off);
			if (frame)
				pmm_free_page(frame);
			jit_free(ud, (void *)(uintptr_t)code, (void *)(uintptr_t)wr, off);
			return NULL;
		}
	}
	*write = (void *)(uintptr_t)wr;
	return (void *)(uintptr_t)code;
}

const struct mips_exec_mem *jitmem_get(size_t cache_bytes)
{
	mem = (struct mips_exec_mem){ NULL, jit_alloc, jit_free, cache_bytes };
	return &mem;
}
