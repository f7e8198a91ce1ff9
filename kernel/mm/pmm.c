/* pmm.c: the kernel's frame allocator over the multiboot2 memory map, and its heap. */
#include <stdbool.h>
#include <string.h>

#include "kernel/arch/paging.h"
#include "kernel/arch/panic.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/mm/frames.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mm.h"

#define LOW_MEMORY_END 0x100000ull /* real-mode area, BIOS data and ROMs: never handed out */

extern char kernel_start[], kernel_end[];

static struct frames frames;
static struct heap kheap;

/* A place for the bitmap: the first available range above the kernel, modules and boot info,
 * below 4 GiB (boot/ maps only that much). */
static uint64_t place_bitmap(uint64_t bytes)
{
	for (size_t i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		if (e->type != MMAP_AVAILABLE)
			continue;
		uint64_t start = e->base > LOW_MEMORY_END ? e->base : LOW_MEMORY_END;
		uint64_t end = e->base + e->length;
		for (bool moved = true; moved;) {
			moved = false;
			uint64_t busy[][2] = {
				{ (uintptr_t)kernel_start, (uintptr_t)kernel_end },
				{ boot_info.info_start, boot_info.info_end },
			};
			for (size_t k = 0; k < 2; k++)
				if (start < busy[k][1] && start + bytes > busy[k][0])
					start = PAGE_ALIGN_UP(busy[k][1]), moved = true;
			for (size_t m = 0; m < boot_info.module_count; m++) {
				const struct boot_module *mod = &boot_info.modules[m];
				if (start < mod->end && start + bytes > mod->start)
					start = PAGE_ALIGN_UP(mod->end), moved = true;
			}
		}
		start = PAGE_ALIGN_UP(start);
		if (start + bytes <= end && start + bytes <= (4ull << 30))
			return start;
	}
	return 0;
}

static void *heap_grow(void *ctx, size_t size)
{
	(void)ctx;
	return (void *)(uintptr_t)pmm_alloc_pages(size / PAGE_SIZE, PAGE_SIZE);
}

static void heap_release(void *ctx, void *chunk, size_t size)
{
	(void)ctx;
	pmm_free_pages((uintptr_t)chunk, size / PAGE_SIZE);
}

void pmm_init(void)
{
	uint64_t top = bootinfo_ram_top();
	size_t nframes = top / PAGE_SIZE;
	uint64_t bytes = PAGE_ALIGN_UP(frames_bitmap_bytes(nframes));
	uint64_t bitmap = place_bitmap(bytes);
	if (!bitmap)
		panic("pmm_init: no room for a %llu-byte frame bitmap", (unsigned long long)bytes);
	frames_init(&frames, (uint64_t *)(uintptr_t)bitmap, 0, nframes);
	for (size_t i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == MMAP_AVAILABLE)
			frames_release(&frames, boot_info.mmap[i].base, boot_info.mmap[i].length);
	frames_reserve(&frames, 0, LOW_MEMORY_END);
	frames_reserve(&frames, (uintptr_t)kernel_start, (uintptr_t)kernel_end - (uintptr_t)kernel_start);
	frames_reserve(&frames, boot_info.info_start, boot_info.info_end - boot_info.info_start);
	for (size_t m = 0; m < boot_info.module_count; m++)
		frames_reserve(&frames, boot_info.modules[m].start,
			       boot_info.modules[m].end - boot_info.modules[m].start);
	frames_reserve(&frames, bitmap, bytes);
	heap_init(&kheap, heap_grow, NULL);
	heap_set_release(&kheap, heap_release);
	paging_init(top);
}

uint64_t pmm_alloc_pages(size_t count, uint64_t align)
{
	return frames_alloc(&frames, count, align);
}

uint64_t pmm_alloc_page(void)
{
	return frames_alloc(&frames, 1, PAGE_SIZE);
}

void pmm_free_pages(uint64_t addr, size_t count)
{
	if (frames_free(&frames, addr, count) < 0)
		panic("pmm_free_pages: 0x%llx (%zu frames) was not allocated (double free?)",
		      (unsigned long long)addr, count);
}

size_t pmm_free_count(void) { return frames.free_count; }

size_t pmm_total_count(void)
{
	size_t n = 0;
	for (size_t i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == MMAP_AVAILABLE)
			n += boot_info.mmap[i].length / PAGE_SIZE;
	return n;
}

void *page_alloc_zeroed(size_t count)
{
	void *p = (void *)(uintptr_t)pmm_alloc_pages(count, PAGE_SIZE);
	if (p)
		memset(p, 0, count * PAGE_SIZE);
	return p;
}

void page_free(void *p, size_t count)
{
	pmm_free_pages((uintptr_t)p, count);
}

void *kmalloc(size_t size)
{
	return heap_alloc(&kheap, size);
}

void *kzalloc(size_t size)
{
	void *p = heap_alloc(&kheap, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	enum heap_error err = heap_free(&kheap, p);
	if (err == HEAP_ERR_DOUBLE_FREE)
		panic("kfree: double free of %p", p);
	if (err != HEAP_OK)
		panic("kfree: %p is not a heap block", p);
}

void *krealloc(void *p, size_t size)
{
	if (!p)
		return kmalloc(size);
	size_t old = heap_block_size(p);
	if (!old)
		panic("krealloc: %p is not a heap block", p);
	if (old >= size)
		return p;
	void *n = kmalloc(size);
	if (n) {
		memcpy(n, p, old);
		kfree(p);
	}
	return n;
}

void heap_get_stats(struct heap_stats *st)
{
	st->arena_bytes = kheap.arena_bytes;
	st->used_bytes = kheap.used_bytes;
	st->free_bytes = kheap.arena_bytes - kheap.used_bytes;
	st->allocations = kheap.allocations;
}

void *mmio_map(uint64_t phys, uint64_t size)
{
	return paging_map_uncached(phys, size) < 0 ? NULL : (void *)(uintptr_t)phys;
}
