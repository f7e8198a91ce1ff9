/* fat_image.h: block devices for the FAT tests: an image file, or an image held in memory. */
#ifndef TESTS_UNIT_FAT_IMAGE_H
#define TESTS_UNIT_FAT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/blockdev.h"

struct image_dev {
	struct blockdev dev;
	int fd;			/* file-backed when >= 0 */
	uint8_t *mem;		/* else memory-backed */
	uint64_t fail_write_after;	/* writes allowed before each one fails; UINT64_MAX: never */
	uint64_t writes, flushes;
};

/* Opens path read-write (read_only: read only); returns 0 or -1. */
int image_open(struct image_dev *d, const char *path, int read_only);
/* Uses mem (size bytes, a multiple of 512) as the disk. */
void image_mem(struct image_dev *d, uint8_t *mem, size_t size);
void image_close(struct image_dev *d);
/* Reads a whole file into a malloc()ed buffer; NULL on error. */
uint8_t *image_slurp(const char *path, size_t *size);



/* Shell helpers: run a printf-formatted command; run_capture returns its stdout+stderr (malloc). */
int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *run_capture(int *status, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Deterministic test bytes. */
void fill_pattern(uint8_t *buf, size_t n, uint32_t seed);

struct fat_volume;
/* fsck.fat -n finds nothing (exit 0, no complaint lines); prints its output otherwise. */
int fsck_clean(const char *img);
/* mcopy reads ::name from img as exactly want[0..size). */
int mtools_has(const char *img, const char *name, const uint8_t *want, size_t size);
int mtools_absent(const char *img, const char *name);
/* image_open + fat_mount (printing why it failed); 0 or -1. */
int mount_img(struct fat_volume *vol, struct image_dev *d, const char *img);
/* fat_read_file(path) is exactly want[0..size). */
int read_equals(struct fat_volume *vol, const char *path, const uint8_t *want, uint32_t size);
/* size bytes of fill_pattern(seed) in a malloc()ed buffer. */
uint8_t *pattern(uint32_t size, uint32_t seed);

/* test_fat_more.c: disk full, FAT12/16, power loss, corrupt images, fuzzing. */
void more_tests(const char *tmp, int *passed, int *failed);
/* test_fat_hostile.c: cross-linked chains, FSInfo hints, a root cluster marked free. */
void hostile_tests(const char *tmp, int *passed, int *failed);
#endif
