/* test_fat_more.c: FAT tests for the hard cases: disk full, FAT12/16, power loss mid-write,
 * corrupt images and a deterministic mutation fuzzer. Linked into test_fat. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fs/fat.h"
#include "kernel/fs/fat_impl.h"
#include "tests/check.h"
#include "tests/unit/fat_image.h"

static const char *tmp;

static void unmount_img(struct fat_volume *vol, struct image_dev *d)
{
	CHECK_QUIET(fat_unmount(vol) == FAT_OK, "unmount: %s", fat_detail(vol));
	image_close(d);
}

static void test_disk_full(void)
{
	char img[128];
	struct fat_volume vol;
	struct image_dev d;
	uint64_t free0, free1;
	uint32_t big;
	uint8_t *a, *b;

	snprintf(img, sizeof(img), "%s/full.img", tmp);
	CHECK(run("mkfs.fat -F 32 -S 512 -s 1 -C '%s' 34000 >/dev/null", img) == 0, "mkfs small FAT32");
	if (mount_img(&vol, &d, img))
		{ CHECK(0, "mount small FAT32"); return; }
	CHECK(fat_free_space(&vol, &free0) == FAT_OK && free0 > 30000000, "free space %llu",
	      (unsigned long long)free0);
	big = (uint32_t)(free0 * 6 / 10);
	a = pattern(big, 1);
	b = pattern(big, 2);
	CHECK(fat_write_file(&vol, "victim.snap", a, big) == FAT_OK, "write 60%% of the disk");
	CHECK(fat_write_file(&vol, "victim.snap", b, big) == FAT_ERR_NO_SPACE,
	      "replacing it needs both versions: no space (%s)", fat_detail(&vol));
	CHECK(read_equals(&vol, "victim.snap", a, big), "old version intact after no-space replace");
	CHECK(fat_free_space(&vol, &free1) == FAT_OK && fat_write_file(&vol, "huge", b,
	      (uint32_t)free1 + 1) == FAT_ERR_NO_SPACE, "file one byte bigger than free space");
	CHECK(fat_stat(&vol, "huge", &(struct fat_stat){ 0 }) == FAT_ERR_NOT_FOUND,
	      "failed create leaves no entry");
	CHECK(fat_write_file(&vol, "exactly fits", b, (uint32_t)free1) == FAT_OK,
	      "file of exactly the free space fits: %s", fat_detail(&vol));
	CHECK(fat_free_space(&vol, &free0) == FAT_OK && free0 == 0, "disk now full");
	CHECK(fat_write_file(&vol, "one more", a, 1) == FAT_ERR_NO_SPACE, "1 byte on a full disk");
	CHECK(fat_write_file(&vol, "empty on full disk", a, 0) == FAT_OK, "empty file needs no cluster");
	CHECK(fat_delete(&vol, "exactly fits") == FAT_OK, "delete frees the space");
	unmount_img(&vol, &d);
	CHECK(fsck_clean(img), "fsck.fat -n clean after disk-full errors");
	CHECK(mtools_has(img, "victim.snap", a, big), "mcopy: old version intact");

	CHECK(image_open(&d, img, 1) == 0 && fat_mount(&vol, &d.dev, 0) == FAT_OK,
	      "mount a read-only device");
	CHECK(fat_write_file(&vol, "x", a, 1) == FAT_ERR_READ_ONLY && fat_delete(&vol, "victim.snap")
	      == FAT_ERR_READ_ONLY && read_equals(&vol, "victim.snap", a, big),
	      "read-only: writes refused, reads work");
	unmount_img(&vol, &d);
	free(a);
	free(b);
}

struct small_fs {
	const char *mkfs;
	uint32_t kib;
	enum fat_type type;
};

/* FAT12 and FAT16: fixed root directory that fills up, subdirectories, 12-bit entries. */
static void test_small_fat(const struct small_fs *fs)
{
	char img[128], name[32];
	struct fat_volume vol;
	struct image_dev d;
	uint8_t *a = pattern(200000, 3), *c = pattern(3000, 4);
	enum fat_err err = FAT_OK;
	int i, n;

	snprintf(img, sizeof(img), "%s/fat%d.img", tmp, fs->type);
	CHECK(run("mkfs.fat %s -C '%s' %u >/dev/null", fs->mkfs, img, fs->kib) == 0, "mkfs.fat %s",
	      fs->mkfs);
	if (mount_img(&vol, &d, img))
		{ CHECK(0, "mount FAT%d", fs->type); return; }
	CHECK(vol.type == fs->type, "detected FAT%d", vol.type);
	CHECK(fat_write_file(&vol, "Big File.bin", a, 200000) == FAT_OK &&
	      fat_write_file(&vol, "ODD.BIN", c, 2999) == FAT_OK &&
	      fat_mkdir(&vol, "A Directory") == FAT_OK &&
	      fat_write_file(&vol, "a directory/inside with long name.txt", c, 3000) == FAT_OK,
	      "FAT%d: files, mkdir, file in subdirectory: %s", fs->type, fat_detail(&vol));
	CHECK(read_equals(&vol, "big file.bin", a, 200000) && read_equals(&vol, "odd.bin", c, 2999),
	      "FAT%d: read back", fs->type);
	for (n = 0; n < 600 && !err; n++) {
		snprintf(name, sizeof(name), "R%03d", n);
		err = fat_write_file(&vol, name, c, (uint32_t)n);
	}
	CHECK(err == FAT_ERR_NO_SPACE, "FAT%d: fixed root fills up after %d names: %s", fs->type, n,
	      fat_strerror(err));
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "R%03d", i);
		CHECK_QUIET(fat_delete(&vol, name) == FAT_OK, "delete %s", name);
	}
	CHECK(fat_write_file(&vol, "reuses freed slots", c, 10) == FAT_OK, "FAT%d: deleted slots reused",
	      fs->type);
	unmount_img(&vol, &d);
	CHECK(fsck_clean(img), "FAT%d: fsck.fat -n clean", fs->type);
	CHECK(mtools_has(img, "Big File.bin", a, 200000) && mtools_has(img, "ODD.BIN", c, 2999) &&
	      mtools_has(img, "A Directory/inside with long name.txt", c, 3000) &&
	      mtools_has(img, "R010", c, 10) && mtools_absent(img, "R003"),
	      "FAT%d: mcopy reads them", fs->type);
	free(a);
	free(c);
}

/* Power cut after every possible number of writes during a replace: the file reads back as the
 * old or the new version, never anything else, and the volume still mounts. */
static void test_power_loss(const uint8_t *pristine, size_t size)
{
	uint8_t *mem = malloc(size), *a = pattern(20000, 5), *b = pattern(30000, 6);
	struct fat_volume vol;
	struct fat_stat st;
	struct image_dev d;
	uint64_t k, writes = 0;
	int old = 0, new = 0, bad = 0;
	enum fat_err err = FAT_ERR_IO;

	for (k = 0; err != FAT_OK && k < 200; k++) {
		memcpy(mem, pristine, size);
		image_mem(&d, mem, size);
		if (fat_mount(&vol, &d.dev, 0) || fat_write_file(&vol, "victim.snap", a, 20000) ||
		    fat_unmount(&vol) || fat_mount(&vol, &d.dev, 0)) {
			bad++;
			break;
		}
		d.fail_write_after = d.writes + k;
		err = fat_write_file(&vol, "victim.snap", b, 30000);
		writes = d.writes;
		fat_unmount(&vol);
		d.fail_write_after = UINT64_MAX;
		if (fat_mount(&vol, &d.dev, 0)) {
			bad++;
			continue;
		}
		if (fat_stat(&vol, "victim.snap", &st) == FAT_OK && st.size == 30000 &&
		    read_equals(&vol, "victim.snap", b, 30000))
			new++;
		else if (st.size == 20000 && read_equals(&vol, "victim.snap", a, 20000))
			old++;
		else
			bad++;
		CHECK_QUIET(err == FAT_OK || err == FAT_ERR_IO, "cut after %llu writes: %s",
			    (unsigned long long)k, fat_strerror(err));
		fat_unmount(&vol);
	}
	CHECK(err == FAT_OK && bad == 0 && old > 0 && new > 0,
	      "power cut at each of %llu writes: %d old, %d new, %d broken", (unsigned long long)k,
	      old, new, bad);
	(void)writes;
	free(mem);
	free(a);
	free(b);
}


static int count_entries(void *ctx, const struct fat_stat *st)
{
	(void)st;
	++*(int *)ctx;
	return 0;
}

struct bpb_case {
	const char *what;
	uint32_t offset, width, value;
};

/* One field of a good boot sector set to a bad value each. */
static const struct bpb_case bpb_cases[] = {
	{ "no 55 AA signature", 510, 2, 0 }, { "jmpBoot", 0, 1, 0x00 },
	{ "BytsPerSec 0", 11, 2, 0 }, { "BytsPerSec 300", 11, 2, 300 },
	{ "BytsPerSec 8192", 11, 2, 8192 }, { "SecPerClus 0", 13, 1, 0 },
	{ "SecPerClus 3", 13, 1, 3 }, { "SecPerClus 128 (64 KiB)", 13, 1, 128 },
	{ "RsvdSecCnt 0", 14, 2, 0 }, { "NumFATs 0", 16, 1, 0 }, { "NumFATs 9", 16, 1, 9 },
	{ "RootEntCnt on FAT32", 17, 2, 512 }, { "TotSec16 on FAT32", 19, 2, 1000 },
	{ "Media 0x12", 21, 1, 0x12 }, { "FATSz16 on FAT32", 22, 2, 10 },
	{ "TotSec32 0", 32, 4, 0 }, { "TotSec32 beyond the disk", 32, 4, 0x7FFFFFFF },
	{ "FATSz32 0", 36, 4, 0 }, { "FATSz32 tiny", 36, 4, 3 }, { "FATSz32 huge", 36, 4, 0x00FFFFFF },
	{ "ExtFlags active FAT 5", 40, 2, 0x85 }, { "FSVer 1.0", 42, 2, 0x100 },
	{ "RootClus 0", 44, 4, 0 }, { "RootClus 1", 44, 4, 1 }, { "RootClus huge", 44, 4, 0x0FFFFFF0 },
	{ "FSInfo beyond reserved", 48, 2, 5000 }, { "BkBootSec beyond reserved", 50, 2, 5000 },
	{ "FSInfo signature", 512, 4, 0 }, { "FAT[0] media byte", 32 * 512, 1, 0 },
};

static void put_le(uint8_t *p, uint32_t width, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void test_bad_bpb(uint8_t *img, const uint8_t *pristine, size_t size)
{
	struct fat_volume vol;
	struct image_dev d;
	size_t i;
	enum fat_err err;

	for (i = 0; i < sizeof(bpb_cases) / sizeof(bpb_cases[0]); i++) {
		const struct bpb_case *c = &bpb_cases[i];

		memcpy(img, pristine, 64 * 512);
		put_le(img + c->offset, c->width, c->value);
		image_mem(&d, img, size);
		err = fat_mount(&vol, &d.dev, 0);
		CHECK(err == FAT_ERR_CORRUPT && vol.detail[0], "mount refuses %s: %s", c->what,
		      fat_detail(&vol));
	}
	memcpy(img, pristine, 64 * 512);
	image_mem(&d, img, size);
	CHECK(fat_mount(&vol, &d.dev, 0) == FAT_OK && fat_unmount(&vol) == FAT_OK,
	      "the unmutated image mounts");
	image_mem(&d, img, 32 * 1024);
	CHECK(fat_mount(&vol, &d.dev, 0) == FAT_ERR_CORRUPT, "device smaller than the volume: %s",
	      fat_detail(&vol));
	fill_pattern(img, 64 * 512, 99);
	image_mem(&d, img, size);
	CHECK(fat_mount(&vol, &d.dev, 0) == FAT_ERR_CORRUPT, "random bytes: %s", fat_detail(&vol));
	memset(img, 0, 64 * 512);
	CHECK(fat_mount(&vol, &d.dev, 0) == FAT_ERR_CORRUPT, "zeroed boot sector: %s",
	      fat_detail(&vol));
	memcpy(img, pristine, 64 * 512);
}

/* FAT[cluster] in every FAT copy. */
static void set_fat32(uint8_t *img, const struct fat_volume *v, uint32_t cluster, uint32_t val)
{
	uint32_t i;

	for (i = 0; i < v->num_fats; i++)
		put_le(img + (size_t)(v->fat_start + i * v->fat_sectors) * 512 + cluster * 4, 4, val);
}

struct chain_case {
	const char *what;
	uint32_t at, value;	/* FAT[first + at] = value; value 0xFFFFFFFF: first + at */
};

static void test_bad_chains(uint8_t *img, const uint8_t *pristine, size_t size)
{
	static const struct chain_case cases[] = {
		{ "loop back to the start", 5, 0xFFFFFFFE }, { "loop to itself", 3, 0xFFFFFFFF },
		{ "points past the volume", 2, 0x0FFFFFF0 }, { "points at cluster 1", 2, 1 },
		{ "free cluster inside", 4, 0 }, { "bad-cluster mark inside", 4, 0x0FFFFFF7 },
		{ "ends too early", 1, 0x0FFFFFFF },
	};
	struct fat_volume vol;
	struct image_dev d;
	struct fat_stat st;
	uint8_t *a = pattern(5000, 11), buf[64];
	uint32_t first, got, i, v;
	int n;

	memcpy(img, pristine, size);
	image_mem(&d, img, size);
	if (fat_mount(&vol, &d.dev, 0) || fat_write_file(&vol, "chain.bin", a, 5000) ||
	    fat_stat(&vol, "chain.bin", &st) || fat_unmount(&vol))
		{ CHECK(0, "setting up chain.bin: %s", fat_detail(&vol)); return; }
	first = st.first_cluster;
	memcpy((uint8_t *)pristine, img, size);	/* later tests start from this state */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(img, pristine, size);
		v = cases[i].value == 0xFFFFFFFF ? first + cases[i].at
		    : cases[i].value == 0xFFFFFFFE ? first : cases[i].value;
		set_fat32(img, &vol, first + cases[i].at, v);
		image_mem(&d, img, size);
		CHECK(fat_mount(&vol, &d.dev, 0) == FAT_OK &&
		      fat_read(&vol, "chain.bin", 0, buf, sizeof(buf), &got) == FAT_ERR_CORRUPT,
		      "chain %s: read refused: %s", cases[i].what, fat_detail(&vol));
		CHECK_QUIET(fat_delete(&vol, "chain.bin") != FAT_ERR_NO_MEMORY, "delete %s", cases[i].what);
		fat_unmount(&vol);
	}
	memcpy(img, pristine, size);
	/* The loop only matters past the end mark: turn the mark into deleted entries. */
	for (i = 0; i < vol.cluster_bytes; i += FAT_DIRENT_SIZE) {
		uint8_t *e = img + (size_t)fat_cluster_sector(&vol, vol.root_cluster) * 512 + i;

		if (e[0] == FAT_DIRENT_END)
			e[0] = FAT_DIRENT_FREE;
	}
	set_fat32(img, &vol, vol.root_cluster, vol.root_cluster);
	image_mem(&d, img, size);
	n = 0;
	CHECK(fat_mount(&vol, &d.dev, 0) == FAT_OK &&
	      fat_list(&vol, "/", count_entries, &n) == FAT_ERR_CORRUPT &&
	      fat_write_file(&vol, "new", a, 10) == FAT_ERR_CORRUPT,
	      "root directory chain looping: list and create refused: %s", fat_detail(&vol));
	fat_unmount(&vol);
	free(a);
}

static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

static int visit_read(void *ctx, const struct fat_stat *st)
{
	struct fat_volume *vol = ctx;
	uint8_t buf[2048];
	uint32_t got;
	enum fat_err err;

	if (!st->is_dir) {
		err = fat_read(vol, st->name, 0, buf, sizeof(buf), &got);
		CHECK_QUIET(err <= FAT_ERR_INVALID && got <= sizeof(buf), "fuzz read %s", st->name);
	}
	return 0;
}

/* Mutates bytes of the metadata (boot sector, FSInfo, FATs, root directory), then mounts, lists,
 * reads, writes and deletes: every call must return a defined error code and ASan must stay quiet. */
static void fuzz(const char *what, uint8_t *img, const uint8_t *pristine, size_t size,
		 uint32_t meta_bytes, int rounds, bool writes)
{
	struct fat_volume vol;
	struct image_dev d;
	uint32_t x = 12345, i, k, off;
	uint8_t data[3000];
	int r, mounted = 0, refused = 0, n;
	enum fat_err err;

	fill_pattern(data, sizeof(data), 77);
	for (r = 0; r < rounds; r++) {
		memcpy(img, pristine, writes ? size : meta_bytes);
		k = 1 + lcg(&x) % 8;
		for (i = 0; i < k; i++) {
			off = lcg(&x) % 2 ? lcg(&x) % 512 : lcg(&x) % meta_bytes;
			img[off] = lcg(&x) % 3 ? (uint8_t)lcg(&x) : img[off] ^ (uint8_t)(1u << (lcg(&x) % 8));
		}
		image_mem(&d, img, size);
		err = fat_mount(&vol, &d.dev, writes ? 0 : FAT_MOUNT_READ_ONLY);
		if (err) {
			refused++;
			CHECK_QUIET(err == FAT_ERR_CORRUPT && vol.detail[0], "fuzz mount: %d", err);
			continue;
		}
		mounted++;
		n = 0;
		fat_list(&vol, "/", count_entries, &n);
		fat_list(&vol, "/", visit_read, &vol);
		err = fat_write_file(&vol, "fuzzed file name.bin", data, sizeof(data));
		CHECK_QUIET(err <= FAT_ERR_INVALID, "fuzz write: %d", err);
		err = fat_delete(&vol, "file0.bin");
		CHECK_QUIET(err <= FAT_ERR_INVALID, "fuzz delete: %d", err);
		fat_unmount(&vol);
	}
	CHECK(mounted > 0 && refused > 0, "%s fuzz: %d rounds, %d mounted, %d refused, no crash",
	      what, rounds, mounted, refused);
}

/* A volume with a few files and a subdirectory, in memory. */
static uint8_t *populated(const char *mkfs, uint32_t kib, const char *name, size_t *size)
{
	char img[128], path[32];
	struct fat_volume vol;
	struct image_dev d;
	uint8_t *a = pattern(9000, 21), *mem;
	int i;

	snprintf(img, sizeof(img), "%s/%s", tmp, name);
	if (run("mkfs.fat %s -C '%s' %u >/dev/null", mkfs, img, kib) || mount_img(&vol, &d, img))
		return NULL;
	fat_mkdir(&vol, "sub dir");
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), i % 2 ? "sub dir/file%d.bin" : "file%d.bin", i);
		fat_write_file(&vol, path, a, (uint32_t)(i * 1500));
	}
	fat_unmount(&vol);
	image_close(&d);
	free(a);
	mem = image_slurp(img, size);
	return mem;
}

void more_tests(const char *tmpdir, int *passed, int *failed)
{
	static const struct small_fs small[] = { { "-F 12 -n TALLY", 1440, FAT_TYPE_12 },
						 { "-F 16", 16384, FAT_TYPE_16 } };
	uint8_t *p32, *p12, *img;
	size_t s32, s12;

	tmp = tmpdir;
	test_disk_full();
	test_small_fat(&small[0]);
	test_small_fat(&small[1]);
	p32 = populated("-F 32 -S 512 -s 1", 34000, "fuzz32.img", &s32);
	p12 = populated("-F 12", 1440, "fuzz12.img", &s12);
	if (!p32 || !p12) {
		CHECK(0, "populated images for corruption tests");
	} else {
		img = malloc(s32);
		test_power_loss(p32, s32);
		test_bad_bpb(img, p32, s32);
		test_bad_chains(img, p32, s32);
		fuzz("FAT32 metadata, read-only", img, p32, s32, (32 + 2 * 600 + 8) * 512, 400, false);
		free(img);
		img = malloc(s12);
		fuzz("FAT12 whole image, writing", img, p12, s12, 40 * 512, 1500, true);
		free(img);
	}
	free(p32);
	free(p12);
	*passed = check_passed;
	*failed = check_failed;
}
