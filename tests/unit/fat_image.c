/* fat_image.c: block devices over an image file (pread/pwrite) or a memory buffer, for test_fat. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/fs/fat.h"
#include "tests/unit/fat_image.h"

static int allowed(struct image_dev *d)
{
	if (d->writes >= d->fail_write_after)
		return 0;
	d->writes++;
	return 1;
}

static int file_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct image_dev *d = ctx;
	size_t n = (size_t)count * BLOCKDEV_SECTOR_SIZE;

	if (lba + count > d->dev.sector_count)
		return -1;
	return pread(d->fd, buf, n, (off_t)(lba * BLOCKDEV_SECTOR_SIZE)) == (ssize_t)n ? 0 : -1;
}

static int file_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	struct image_dev *d = ctx;
	size_t n = (size_t)count * BLOCKDEV_SECTOR_SIZE;

	if (lba + count > d->dev.sector_count || !allowed(d))
		return -1;
	return pwrite(d->fd, buf, n, (off_t)(lba * BLOCKDEV_SECTOR_SIZE)) == (ssize_t)n ? 0 : -1;
}

static int file_flush(void *ctx)
{
	struct image_dev *d = ctx;

	d->flushes++;
	return 0;
}

static int mem_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct image_dev *d = ctx;

	if (lba + count > d->dev.sector_count)
		return -1;
	memcpy(buf, d->mem + lba * BLOCKDEV_SECTOR_SIZE, (size_t)count * BLOCKDEV_SECTOR_SIZE);
	return 0;
}

static int mem_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	struct image_dev *d = ctx;

	if (lba + count > d->dev.sector_count || !allowed(d))
		return -1;
	memcpy(d->mem + lba * BLOCKDEV_SECTOR_SIZE, buf, (size_t)count * BLOCKDEV_SECTOR_SIZE);
	return 0;
}

int image_open(struct image_dev *d, const char *path, int read_only)
{
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->fail_write_after = UINT64_MAX;
	d->fd = open(path, read_only ? O_RDONLY : O_RDWR);
	if (d->fd < 0 || fstat(d->fd, &st) < 0)
		return -1;
	d->dev = (struct blockdev){ d, (uint64_t)st.st_size / BLOCKDEV_SECTOR_SIZE, read_only != 0,
				    file_read, file_write, file_flush };
	return 0;
}

void image_mem(struct image_dev *d, uint8_t *mem, size_t size)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->mem = mem;
	d->fail_write_after = UINT64_MAX;
	d->dev = (struct blockdev){ d, size / BLOCKDEV_SECTOR_SIZE, 0, mem_read, mem_write,
				    file_flush };
}

void image_close(struct image_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

uint8_t *image_slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*size = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

#include <stdarg.h>
#include <sys/wait.h>

int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

char *run_capture(int *status, size_t *len, const char *fmt, ...)
{
	char cmd[1024];
	size_t cap = 4096, n = 0, got;
	char *out = malloc(cap);
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	if (!out || !(p = popen(cmd, "r"))) {
		free(out);
		*status = -1;
		return NULL;
	}
	while ((got = fread(out + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			out = realloc(out, cap *= 2);
	}
	out[n] = '\0';
	st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (len)
		*len = n;
	return out;
}

void fill_pattern(uint8_t *buf, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
}

/* fsck.fat -n prints its version and one summary line for a clean volume; anything else is a
 * complaint. */
int fsck_clean(const char *img)
{
	int st, lines = 0;
	char *out = run_capture(&st, NULL, "fsck.fat -n '%s'", img), *p;

	if (!out)
		return 0;
	for (p = out; *p; p++)
		lines += *p == '\n';
	if (st != 0 || lines != 2 || !strstr(out, " files, "))
		printf("fsck.fat -n %s (exit %d):\n%s", img, st, out);
	free(out);
	return st == 0 && lines == 2;
}

/* Does mcopy read name from img as exactly want[0..size)? */
int mtools_has(const char *img, const char *name, const uint8_t *want, size_t size)
{
	size_t len;
	int st, ok;
	char *out = run_capture(&st, &len, "mcopy -n -i '%s' '::%s' - 2>/dev/null", img, name);

	ok = out && st == 0 && len == size && memcmp(out, want, size) == 0;
	if (!ok)
		printf("mcopy ::%s: exit %d, %zu bytes, want %zu\n", name, st, out ? len : 0, size);
	free(out);
	return ok;
}

int mtools_absent(const char *img, const char *name)
{
	return run("mcopy -n -i '%s' '::%s' - >/dev/null 2>&1", img, name) != 0;
}

int mount_img(struct fat_volume *vol, struct image_dev *d, const char *img)
{
	if (image_open(d, img, 0))
		return -1;
	if (fat_mount(vol, &d->dev, 0)) {
		printf("mount %s: %s\n", img, fat_detail(vol));
		image_close(d);
		return -1;
	}
	return 0;
}

int read_equals(struct fat_volume *vol, const char *path, const uint8_t *want, uint32_t size)
{
	void *data;
	uint32_t got;
	enum fat_err err = fat_read_file(vol, path, &data, &got);
	int ok = err == FAT_OK && got == size && (size == 0 || memcmp(data, want, size) == 0);

	if (!ok)
		printf("read %s: %s (%s), %u bytes, want %u\n", path, fat_strerror(err),
		       fat_detail(vol), got, size);
	free(data);
	return ok;
}

uint8_t *pattern(uint32_t size, uint32_t seed)
{
	uint8_t *b = malloc(size ? size : 1);

	fill_pattern(b, size, seed);
	return b;
}

