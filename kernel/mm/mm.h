/* mm.h: physical page frames and the kernel heap. All RAM is identity-mapped: a frame's
 * physical address is also a pointer to it. */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096ull
#define PAGE_SHIFT 12
#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* Start-up of the frame allocator and heap: needs boot_info parsed; also extends the identity map
 * to all RAM. */
void pmm_init(void);

/* One frame, or 0 when memory is exhausted. Frames are not zeroed. */
uint64_t pmm_alloc_page(void);
/* count contiguous frames whose first address is a multiple of align (a power of two,
 * at least PAGE_SIZE), or 0 when no such run exists. */
uint64_t pmm_alloc_pages(size_t count, uint64_t align);
void pmm_free_pages(uint64_t addr, size_t count);
static inline void pmm_free_page(uint64_t addr) { pmm_free_pages(addr, 1); }
size_t pmm_free_count(void);
size_t pmm_total_count(void);

/* Heap: 16-byte aligned blocks; kfree(NULL) is a no-op; a double or wild kfree panics. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *krealloc(void *p, size_t size);
void kfree(void *p);
/* Page-aligned, zeroed memory from the frame allocator (for VMX structures, rings...). */
void *page_alloc_zeroed(size_t count);
void page_free(void *p, size_t count);

struct heap_stats {
	size_t arena_bytes, used_bytes, free_bytes, allocations;
};
void heap_get_stats(struct heap_stats *st);

/* Map [phys, phys+size) uncached for a device (e.g. a 64-bit PCI BAR above RAM). */
void *mmio_map(uint64_t phys, uint64_t size);

#endif
