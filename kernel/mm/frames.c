/* frames.c: bitmap frame allocator; lowest-address first fit, so early boot allocations stay low. */
#include <stdbool.h>
#include <string.h>

#include "kernel/mm/frames.h"

#define FRAME_SHIFT 12
#define FRAME_SIZE (1ull << FRAME_SHIFT)

static bool frame_used(const struct frames *f, size_t i)
{
	return f->bitmap[i / 64] & (1ull << (i % 64));
}

static bool frame_reserved(const struct frames *f, size_t i)
{
	return f->reserved[i / 64] & (1ull << (i % 64));
}

static void set_reserved(struct frames *f, size_t i, bool reserved)
{
	if (reserved)
		f->reserved[i / 64] |= 1ull << (i % 64);
	else
		f->reserved[i / 64] &= ~(1ull << (i % 64));
}

static void set_used(struct frames *f, size_t i, bool used)
{
	if (used)
		f->bitmap[i / 64] |= 1ull << (i % 64);
	else
		f->bitmap[i / 64] &= ~(1ull << (i % 64));
}

size_t frames_bitmap_bytes(size_t nframes)
{
	return 2 * ((nframes + 63) / 64 * sizeof(uint64_t));
}

void frames_init(struct frames *f, uint64_t *bitmap, uint64_t base, size_t nframes)
{
	f->bitmap = bitmap;
	f->reserved = bitmap + (nframes + 63) / 64;
	f->base = base;
	f->nframes = nframes;
	f->free_count = 0;
	f->lowest_free = nframes;
	memset(bitmap, 0xff, frames_bitmap_bytes(nframes));
}

/* Frame index range [*first, *last) wholly inside [addr, addr+len). */
static void clip(const struct frames *f, uint64_t addr, uint64_t len, bool inner, size_t *first, size_t *last)
{
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
	if (addr < f->base)
		addr = f->base;
	if (end <= addr) {
		*first = *last = 0;
		return;
	}
	uint64_t lo = inner ? (addr - f->base + FRAME_SIZE - 1) >> FRAME_SHIFT : (addr - f->base) >> FRAME_SHIFT;
	uint64_t hi = inner ? (end - f->base) >> FRAME_SHIFT : (end - f->base + FRAME_SIZE - 1) >> FRAME_SHIFT;
	*first = lo < f->nframes ? lo : f->nframes;
	*last = hi < f->nframes ? hi : f->nframes;
	if (*last < *first)
		*last = *first;
}

void frames_release(struct frames *f, uint64_t addr, uint64_t len)
{
	size_t first, last;
	clip(f, addr, len, true, &first, &last);
	for (size_t i = first; i < last; i++) {
		if (frame_used(f, i)) {
			set_used(f, i, false);
			f->free_count++;
		}
		set_reserved(f, i, false);
	}
	if (first < last && first < f->lowest_free)
		f->lowest_free = first;
}

void frames_reserve(struct frames *f, uint64_t addr, uint64_t len)
{
	size_t first, last;
	clip(f, addr, len, false, &first, &last);
	for (size_t i = first; i < last; i++) {
		if (!frame_used(f, i)) {
			set_used(f, i, true);
			f->free_count--;
		}
		set_reserved(f, i, true);
	}
}

/* First free frame at or after i, skipping whole used words; nframes if none. */
static size_t next_free(const struct frames *f, size_t i)
{
	while (i < f->nframes) {
		if (i % 64 == 0 && f->bitmap[i / 64] == UINT64_MAX) {
			i += 64;
			continue;
		}
		if (!frame_used(f, i))
			return i;
		i++;
	}
	return f->nframes;
}

uint64_t frames_alloc(struct frames *f, size_t count, uint64_t align)
{
	if (count == 0 || count > f->free_count)
		return 0;
	size_t step = align > FRAME_SIZE ? align >> FRAME_SHIFT : 1;
	size_t i = next_free(f, f->lowest_free);
	f->lowest_free = i;
	while (i + count <= f->nframes) {
		uint64_t addr = f->base + ((uint64_t)i << FRAME_SHIFT);
		if (addr % (step << FRAME_SHIFT)) {
			i = next_free(f, i + (step - (addr >> FRAME_SHIFT) % step));
			continue;
		}
		size_t run = 0;
		while (run < count && !frame_used(f, i + run))
			run++;
		if (run == count) {
			for (size_t k = 0; k < count; k++)
				set_used(f, i + k, true);
			f->free_count -= count;
			if (i == f->lowest_free)
				f->lowest_free = i + count;
			return addr;
		}
		i = next_free(f, i + run + 1);
	}
	return 0;
}

int frames_free(struct frames *f, uint64_t addr, size_t count)
{
	if (addr < f->base || (addr - f->base) % FRAME_SIZE)
		return -1;
	size_t first = (addr - f->base) >> FRAME_SHIFT;
	if (first + count > f->nframes || first + count < first)
		return -1;
	for (size_t i = first; i < first + count; i++)
		if (!frame_used(f, i) || frame_reserved(f, i))
			return -1;
	for (size_t i = first; i < first + count; i++)
		set_used(f, i, false);
	f->free_count += count;
	if (first < f->lowest_free)
		f->lowest_free = first;
	return 0;
}
