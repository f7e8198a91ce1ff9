/* heap.h: a general-purpose allocator over chunks it asks its owner for; portable for hosted tests. */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_BINS 48
#define HEAP_ALIGN 32

enum heap_error { HEAP_OK = 0, HEAP_ERR_DOUBLE_FREE = -1, HEAP_ERR_BAD_POINTER = -2 };

struct heap_block;

struct heap {
	/* Returns size bytes (a multiple of 4 KiB, 4 KiB aligned) or NULL. */
	void *(*grow)(void *ctx, size_t size);
	/* Takes back a whole chunk grow gave, once every block in it is free (NULL: chunks stay). */
	void (*release)(void *ctx, void *chunk, size_t size);
	void *ctx;
	struct heap_block *bins[HEAP_BINS];
	size_t arena_bytes, used_bytes, allocations;
};

void heap_init(struct heap *h, void *(*grow)(void *ctx, size_t size), void *ctx);
/* Free chunks go back through release from now on (a killed VM's pages become frames again). */
void heap_set_release(struct heap *h, void (*release)(void *ctx, void *chunk, size_t size));
void *heap_alloc(struct heap *h, size_t size);
/* HEAP_OK, or an error without touching the heap when p was already freed or is not a block. */
enum heap_error heap_free(struct heap *h, void *p);
/* Usable size of an allocated block, 0 when p is not an allocated block. */
size_t heap_block_size(const void *p);
/* Walks every chunk and checks headers and free lists; returns 0 or -1. For tests. */
int heap_check(const struct heap *h);

#endif
