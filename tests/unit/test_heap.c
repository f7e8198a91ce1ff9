/* test_heap.c: the heap allocator: alignment, reuse, coalescing, double and wild frees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/mm/heap.h"
#include "tests/check.h"

static size_t grown;
static void *chunks[64];
static int nchunks;

static void *grow(void *ctx, size_t size)
{
	(void)ctx;
	if (nchunks == 64)
		return NULL;
	grown += size;
	return chunks[nchunks++] = aligned_alloc(4096, size);
}

static size_t released;

static void release(void *ctx, void *chunk, size_t size)
{
	(void)ctx;
	released += size;
	for (int i = 0; i < nchunks; i++)
		if (chunks[i] == chunk)
			chunks[i] = NULL;
	free(chunk);
}

/* A killed VM's 64 MiB of pages: once freed, the chunks go back and only one spare stays. */
static void test_release(void)
{
	struct heap h;
	enum { PAGES = 64 * 256 };
	static void *pages[PAGES];

	nchunks = 0;
	grown = released = 0;
	heap_init(&h, grow, NULL);
	heap_set_release(&h, release);
	void *keep = heap_alloc(&h, 100);
	size_t n = 0;
	while (n < PAGES && nchunks < 64 && (pages[n] = heap_alloc(&h, 4096)))
		n++;
	size_t arena = h.arena_bytes;
	for (size_t i = 0; i < n; i++)
		heap_free(&h, pages[i]);
	CHECK(heap_check(&h) == 0 && released >= arena - (2u << 20) && h.arena_bytes <= (2u << 20),
	      "freeing %zu pages gives back %zu of %zu KiB (arena now %zu KiB)", n, released >> 10, arena >> 10,
	      h.arena_bytes >> 10);
	heap_free(&h, keep);
	CHECK(heap_check(&h) == 0 && h.used_bytes == 0, "the last spare chunk stays, consistent");
	for (int i = 0; i < nchunks; i++)
		free(chunks[i]);
	nchunks = 0;
}

int main(void)
{
	test_release();
	struct heap h;
	heap_init(&h, grow, NULL);

	void *a = heap_alloc(&h, 10);
	void *b = heap_alloc(&h, 100);
	CHECK(a && b && (uintptr_t)a % HEAP_ALIGN == 0 && (uintptr_t)b % HEAP_ALIGN == 0, "blocks are %d-byte aligned", HEAP_ALIGN);
	CHECK(heap_block_size(a) >= 10 && heap_block_size(b) >= 100, "usable sizes cover the request");
	memset(a, 0xaa, 10);
	memset(b, 0xbb, 100);
	CHECK(heap_free(&h, a) == HEAP_OK, "free a");
	CHECK(heap_free(&h, a) == HEAP_ERR_DOUBLE_FREE, "second free of a is a double free");
	CHECK(heap_free(&h, (char *)b + 32) == HEAP_ERR_BAD_POINTER, "free of a pointer inside a block is refused");
	char *foreign = aligned_alloc(64, 128);
	memset(foreign, 0x33, 128);
	CHECK(heap_free(&h, foreign + 64) == HEAP_ERR_BAD_POINTER, "free of memory the heap never gave is refused");
	free(foreign);
	CHECK(heap_free(&h, b) == HEAP_OK, "free b");
	CHECK(heap_check(&h) == 0, "heap consistent after frees");
	CHECK(h.used_bytes == 0 && h.allocations == 0, "nothing in use");

	/* Everything coalesced back: a chunk-sized block fits without growing. */
	size_t before = grown;
	void *c = heap_alloc(&h, (1u << 20) - 64);
	CHECK(c && grown == before, "freed blocks coalesced into one chunk-sized block");
	heap_free(&h, c);

	/* Larger than a chunk: the heap grows by exactly what it needs (page-rounded). */
	void *huge = heap_alloc(&h, 5u << 20);
	CHECK(huge != NULL, "5 MiB allocation");
	memset(huge, 1, 5u << 20);
	heap_free(&h, huge);

	/* Random stress with content checks. */
	enum { N = 512 };
	void *p[N] = { 0 };
	size_t sz[N] = { 0 };
	srand(7);
	int corrupt = 0;
	for (int i = 0; i < 100000; i++) {
		int k = rand() % N;
		if (p[k]) {
			for (size_t j = 0; j < sz[k]; j++)
				corrupt += ((unsigned char *)p[k])[j] != (unsigned char)k;
			heap_free(&h, p[k]);
			p[k] = NULL;
		} else {
			sz[k] = rand() % 3 ? (size_t)(rand() % 256) : (size_t)(rand() % 70000);
			p[k] = heap_alloc(&h, sz[k]);
			if (p[k])
				memset(p[k], k, sz[k]);
		}
	}
	CHECK(corrupt == 0, "100000 random operations: no block overwrote another");
	CHECK(heap_check(&h) == 0, "heap consistent after stress");
	for (int k = 0; k < N; k++)
		if (p[k])
			heap_free(&h, p[k]);
	CHECK(heap_check(&h) == 0 && h.used_bytes == 0, "all freed: consistent and empty");
	CHECK(heap_alloc(&h, (size_t)1 << 50) == NULL, "absurd size refused");
	for (int i = 0; i < nchunks; i++)
		free(chunks[i]);
	return check_summary();
}
