/* frames.h: a bitmap allocator of 4 KiB frames, portable so hosted tests can drive it. */
#ifndef KERNEL_FRAMES_H
#define KERNEL_FRAMES_H

#include <stddef.h>
#include <stdint.h>

struct frames {
	uint64_t *bitmap;    /* bit set = frame in use or not RAM */
	uint64_t *reserved;  /* bit set = never allocatable (not RAM, kernel, modules...) */
	uint64_t base;       /* physical address of frame 0 */
	size_t nframes;
	size_t free_count;
	size_t lowest_free;  /* no free frame below this index */
};

/* Size in bytes of the bitmaps (in use, reserved) for nframes frames. */
size_t frames_bitmap_bytes(size_t nframes);
/* All frames start reserved; release the usable ones with frames_release. bitmap holds
 * frames_bitmap_bytes(nframes) bytes. */
void frames_init(struct frames *f, uint64_t *bitmap, uint64_t base, size_t nframes);
/* Marks [addr, addr+len) free / in use, clipped to whole frames inside the range. */
void frames_release(struct frames *f, uint64_t addr, uint64_t len);
void frames_reserve(struct frames *f, uint64_t addr, uint64_t len);
/* Lowest run of count free frames whose address is a multiple of align; 0 if none. */
uint64_t frames_alloc(struct frames *f, size_t count, uint64_t align);
/* Returns 0, or -1 when a frame in the range was already free (double free) or out of range. */
int frames_free(struct frames *f, uint64_t addr, size_t count);

#endif
