/* heap.c: boundary-tagged blocks in size-class free lists, coalescing on free, magic words that
 * catch double and wild frees. */
#include <stdbool.h>
#include <string.h>

#include "kernel/mm/heap.h"

#define MAGIC_USED 0x5553454455534544ull /* "DESUDESU" */
#define MAGIC_FREE 0x4545524645455246ull /* "FREEFREE" */
#define BLOCK_LAST 1ull                  /* flags: last block of its chunk */
#define HEAP_CHUNK (1u << 20)
#define PAGE 4096u

struct heap_block {
	uint64_t magic;
	uint64_t size;      /* whole block, header included, multiple of HEAP_ALIGN */
	uint64_t prev_size; /* physically previous block; 0 for the first of a chunk */
	uint64_t flags;
	/* free blocks only, in the payload: */
	struct heap_block *next, *prev;
};

#define HEADER_SIZE 32u
#define MIN_BLOCK 64u
_Static_assert(offsetof(struct heap_block, next) == HEADER_SIZE, "header is 32 bytes");

static unsigned bin_of(uint64_t size)
{
	unsigned b = 63 - __builtin_clzll(size);
	return b < HEAP_BINS ? b : HEAP_BINS - 1;
}

static void bin_insert(struct heap *h, struct heap_block *b)
{
	unsigned i = bin_of(b->size);
	b->magic = MAGIC_FREE;
	b->prev = NULL;
	b->next = h->bins[i];
	if (b->next)
		b->next->prev = b;
	h->bins[i] = b;
}

static void bin_remove(struct heap *h, struct heap_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		h->bins[bin_of(b->size)] = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

static struct heap_block *next_block(struct heap_block *b)
{
	return b->flags & BLOCK_LAST ? NULL : (struct heap_block *)((char *)b + b->size);
}

static struct heap_block *prev_block(struct heap_block *b)
{
	return b->prev_size ? (struct heap_block *)((char *)b - b->prev_size) : NULL;
}

void heap_init(struct heap *h, void *(*grow)(void *ctx, size_t size), void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->grow = grow;
	h->ctx = ctx;
}

void heap_set_release(struct heap *h, void (*release)(void *ctx, void *chunk, size_t size))
{
	h->release = release;
}

static bool heap_add_chunk(struct heap *h, uint64_t need)
{
	uint64_t size = need + HEADER_SIZE > HEAP_CHUNK ? need + HEADER_SIZE : HEAP_CHUNK;
	size = (size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	struct heap_block *b = h->grow(h->ctx, size);
	if (!b)
		return false;
	b->size = size;
	b->prev_size = 0;
	b->flags = BLOCK_LAST;
	h->arena_bytes += size;
	bin_insert(h, b);
	return true;
}

/* Cuts b down to size, giving the tail back to the free lists. */
static void split(struct heap *h, struct heap_block *b, uint64_t size)
{
	if (b->size - size < MIN_BLOCK)
		return;
	struct heap_block *tail = (struct heap_block *)((char *)b + size);
	tail->size = b->size - size;
	tail->prev_size = size;
	tail->flags = b->flags & BLOCK_LAST;
	b->flags &= ~BLOCK_LAST;
	b->size = size;
	struct heap_block *after = next_block(tail);
	if (after)
		after->prev_size = tail->size;
	bin_insert(h, tail);
}

static struct heap_block *find_fit(struct heap *h, uint64_t size)
{
	for (unsigned i = bin_of(size); i < HEAP_BINS; i++)
		for (struct heap_block *b = h->bins[i]; b; b = b->next)
			if (b->size >= size)
				return b;
	return NULL;
}

void *heap_alloc(struct heap *h, size_t req)
{
	if (req > (1ull << 46))
		return NULL;
	uint64_t size = (req + HEADER_SIZE + HEAP_ALIGN - 1) & ~(uint64_t)(HEAP_ALIGN - 1);
	if (size < MIN_BLOCK)
		size = MIN_BLOCK;
	struct heap_block *b = find_fit(h, size);
	if (!b) {
		if (!heap_add_chunk(h, size))
			return NULL;
		b = find_fit(h, size);
	}
	bin_remove(h, b);
	split(h, b, size);
	b->magic = MAGIC_USED;
	h->used_bytes += b->size;
	h->allocations++;
	return (char *)b + HEADER_SIZE;
}

/* b absorbs its physical successor n (which is in no free list any more). */
static void absorb(struct heap_block *b, struct heap_block *n)
{
	b->size += n->size;
	b->flags = n->flags;
	struct heap_block *after = next_block(b);
	if (after)
		after->prev_size = b->size;
}

enum heap_error heap_free(struct heap *h, void *p)
{
	struct heap_block *b = (struct heap_block *)((char *)p - HEADER_SIZE);
	if ((uintptr_t)p % HEAP_ALIGN)
		return HEAP_ERR_BAD_POINTER;
	if (b->magic == MAGIC_FREE)
		return HEAP_ERR_DOUBLE_FREE;
	if (b->magic != MAGIC_USED)
		return HEAP_ERR_BAD_POINTER;
	h->used_bytes -= b->size;
	h->allocations--;
	b->magic = MAGIC_FREE; /* stays in the header even if merged below: a second free is caught */
	struct heap_block *n = next_block(b);
	if (n && n->magic == MAGIC_FREE) {
		bin_remove(h, n);
		absorb(b, n);
	}
	struct heap_block *prev = prev_block(b);
	if (prev && prev->magic == MAGIC_FREE) {
		bin_remove(h, prev);
		absorb(prev, b);
		b = prev;
	}
	/* A whole chunk free goes back, unless it is the last spare: a free-alloc pair at the edge of
	 * the arena must not cost a trip through the frame allocator each time. */
	if (h->release && !b->prev_size && (b->flags & BLOCK_LAST) &&
	    h->arena_bytes - h->used_bytes - b->size >= HEAP_CHUNK) {
		h->arena_bytes -= b->size;
		b->magic = 0;
		h->release(h->ctx, b, b->size);
		return HEAP_OK;
	}
	bin_insert(h, b);
	return HEAP_OK;
}

size_t heap_block_size(const void *p)
{
	const struct heap_block *b = (const struct heap_block *)((const char *)p - HEADER_SIZE);
	return b->magic == MAGIC_USED ? b->size - HEADER_SIZE : 0;
}

int heap_check(const struct heap *h)
{
	size_t free_seen = 0;
	for (unsigned i = 0; i < HEAP_BINS; i++) {
		for (const struct heap_block *b = h->bins[i]; b; b = b->next) {
			if (b->magic != MAGIC_FREE || bin_of(b->size) != i || b->size < MIN_BLOCK)
				return -1;
			const struct heap_block *n = b->flags & BLOCK_LAST ? NULL : (const void *)((const char *)b + b->size);
			if (n && (n->prev_size != b->size || n->magic == MAGIC_FREE))
				return -1; /* neighbours of a free block are never free: they would have merged */
			free_seen += b->size;
		}
	}
	return free_seen + h->used_bytes == h->arena_bytes ? 0 : -1;
}
