/* test_frames.c: the frame allocator against a fake memory map. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/mm/frames.h"
#include "tests/check.h"

#define NFRAMES 4096 /* 16 MiB */
#define MIB (1ull << 20)

static uint64_t bitmap[2 * NFRAMES / 64]; /* in-use and reserved bitmaps */

static void setup(struct frames *f)
{
	frames_init(f, bitmap, 0, NFRAMES);
	frames_release(f, 1 * MIB, 7 * MIB);  /* 1..8 MiB */
	frames_release(f, 10 * MIB, 6 * MIB); /* 10..16 MiB */
	frames_reserve(f, 2 * MIB + 100, 4096); /* straddles two frames: both reserved */
}

int main(void)
{
	struct frames f;
	setup(&f);
	CHECK(f.free_count == (7 + 6) * 256 - 2, "free count after release/reserve: %zu", f.free_count);
	CHECK(frames_alloc(&f, 1, 4096) == 1 * MIB, "first frame is the lowest free one");
	CHECK(frames_alloc(&f, 1, 4096) == 1 * MIB + 4096, "next frame follows");

	uint64_t a = frames_alloc(&f, 512, 2 * MIB);
	CHECK(a == 4 * MIB, "512 frames 2 MiB-aligned skip the reserved frames at 2 MiB: 0x%llx", (unsigned long long)a);
	uint64_t big = frames_alloc(&f, 6 * 256, 4096);
	CHECK(big == 10 * MIB, "a 6 MiB run lands in the second region: 0x%llx", (unsigned long long)big);
	CHECK(frames_alloc(&f, 3 * 256, 4096) == 0, "no 3 MiB run left: returns 0");
	CHECK(frames_free(&f, big, 6 * 256) == 0, "free the 6 MiB run");
	CHECK(frames_free(&f, big, 1) == -1, "double free detected");
	CHECK(frames_free(&f, 3, 1) == -1, "unaligned free rejected");
	CHECK(frames_free(&f, 15 * MIB, 1024) == -1, "free past the end rejected");
	CHECK(frames_free(&f, 9 * MIB, 1) == -1, "freeing a never-available frame rejected");

	/* Exhaust and refill: every frame handed out exactly once. */
	setup(&f);
	size_t total = f.free_count, got = 0;
	static uint8_t seen[NFRAMES];
	memset(seen, 0, sizeof(seen));
	int dup = 0, outside = 0;
	for (uint64_t p; (p = frames_alloc(&f, 1, 4096)); got++) {
		size_t i = p / 4096;
		dup += seen[i]++;
		outside += !((p >= 1 * MIB && p < 8 * MIB) || (p >= 10 * MIB && p < 16 * MIB));
	}
	CHECK(got == total && dup == 0 && outside == 0, "exhaustion: %zu of %zu frames, %d duplicates, %d outside RAM",
	      got, total, dup, outside);
	CHECK(f.free_count == 0, "free count reaches 0");

	/* Random alloc/free keeps the count consistent. */
	setup(&f);
	srand(1);
	uint64_t held[256] = { 0 };
	size_t held_n[256] = { 0 };
	size_t before = f.free_count, outstanding = 0;
	int errors = 0;
	for (int i = 0; i < 20000; i++) {
		int k = rand() % 256;
		if (held[k]) {
			errors += frames_free(&f, held[k], held_n[k]) != 0;
			outstanding -= held_n[k];
			held[k] = 0;
		} else {
			size_t n = 1 + rand() % 16;
			uint64_t align = (rand() % 4 == 0) ? 65536 : 4096;
			held[k] = frames_alloc(&f, n, align);
			if (held[k]) {
				errors += held[k] % align != 0;
				held_n[k] = n;
				outstanding += n;
			}
		}
	}
	CHECK(errors == 0 && f.free_count == before - outstanding, "20000 random operations: counts consistent");
	return check_summary();
}
