/* test_fat_hostile.c: FAT volumes a careless or hostile image maker leaves: cross-linked chains,
 * an FSInfo free count of 0, a root cluster marked free. Linked into test_fat. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/fs/fat.h"
#include "kernel/fs/fat_impl.h"
#include "tests/check.h"
#include "tests/unit/fat_image.h"

static const char *tmp;

/* A fresh FAT32 image with 512-byte clusters; 0 or -1. */
static int fresh(char *img, size_t cap, const char *name)
{
	snprintf(img, cap, "%s/%s", tmp, name);
	return run("rm -f '%s' && mkfs.fat -F 32 -S 512 -s 1 -C '%s' 34000 >/dev/null", img, img);
}

static void poke32(const char *img, off_t at, uint32_t v)
{
	int fd = open(img, O_WRONLY);
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	CHECK_QUIET(fd >= 0 && pwrite(fd, b, 4, at) == 4, "poke %s", img);
	if (fd >= 0)
		close(fd);
}

/* A's chain runs into B's second cluster: replacing A must not free B's clusters. */
static void test_cross_linked_replace(void)
{
	char img[128];
	struct fat_volume vol;
	struct image_dev d;
	struct fat_stat a, b;
	uint8_t *pa = pattern(1500, 21), *pb = pattern(1500, 22), *pn = pattern(700, 23);
	uint32_t b2;

	if (fresh(img, sizeof(img), "cross.img") || mount_img(&vol, &d, img))
		{ CHECK(0, "cross-link image"); goto out; }
	CHECK(fat_write_file(&vol, "a.snap", pa, 1500) == FAT_OK && fat_write_file(&vol, "b.snap", pb, 1500)
	      == FAT_OK && fat_stat(&vol, "a.snap", &a) == FAT_OK && fat_stat(&vol, "b.snap", &b) == FAT_OK,
	      "two files of three clusters");
	CHECK(fat_next(&vol, b.first_cluster, &b2) == FAT_OK && fat_set(&vol, a.first_cluster, b2) == FAT_OK &&
	      fat_flush(&vol) == FAT_OK, "a.snap's chain now runs into b.snap's second cluster %u", b2);
	CHECK(fat_write_file(&vol, "a.snap", pn, 700) == FAT_OK, "replacing the cross-linked file succeeds");
	CHECK(strstr(fat_note_text(&vol), "old version's clusters were not freed: cross-linked") != NULL,
	      "the note says the old chain was kept: '%s'", fat_note_text(&vol));
	CHECK(read_equals(&vol, "b.snap", pb, 1500), "b.snap is intact");
	CHECK(read_equals(&vol, "a.snap", pn, 700), "a.snap has its new contents");
	CHECK(fat_write_file(&vol, "c.snap", pa, 1500) == FAT_OK && read_equals(&vol, "b.snap", pb, 1500),
	      "a later file takes none of b.snap's clusters");
	CHECK(fat_write_file(&vol, "c.snap", pn, 10) == FAT_OK && !fat_note_text(&vol)[0],
	      "an ordinary replace leaves no note");
	CHECK(fat_delete(&vol, "c.snap") == FAT_OK, "deleting an unshared file works");
	fat_unmount(&vol);
	image_close(&d);
out:
	free(pa);
	free(pb);
	free(pn);
}

/* FSInfo is a hint: a free count of 0 on an empty volume must not make every write "disk full". */
static void test_fsinfo_zero(void)
{
	char img[128];
	struct fat_volume vol;
	struct image_dev d;
	uint8_t *p = pattern(5000, 24);

	if (fresh(img, sizeof(img), "fsinfo0.img"))
		{ CHECK(0, "fsinfo image"); goto out; }
	poke32(img, 1 * 512 + 488, 0);	/* FSI_Free_Count of the FSInfo sector (BPB_FSInfo = 1) */
	if (mount_img(&vol, &d, img))
		{ CHECK(0, "mount FSInfo-0 image"); goto out; }
	CHECK(fat_write_file(&vol, "x.snap", p, 5000) == FAT_OK, "write with FSInfo free count 0: %s",
	      fat_detail(&vol));
	CHECK(read_equals(&vol, "x.snap", p, 5000), "read back");
	fat_unmount(&vol);
	image_close(&d);
	CHECK(fsck_clean(img), "fsck clean afterwards (free count rewritten)");
out:
	free(p);
}

/* The root directory's cluster marked free in the FAT: refused at mount, never written into. */
static void test_root_marked_free(void)
{
	char img[128];
	struct fat_volume vol;
	struct image_dev d;
	uint32_t fat_start = 32;	/* mkfs.fat's reserved sectors for FAT32 */

	if (fresh(img, sizeof(img), "rootfree.img"))
		{ CHECK(0, "root-free image"); return; }
	poke32(img, fat_start * 512 + 2 * 4, 0);	/* FAT[2]: the root cluster */
	CHECK(image_open(&d, img, 0) == 0, "open root-free image");
	enum fat_err e = fat_mount(&vol, &d.dev, 0);
	CHECK(e == FAT_ERR_CORRUPT && !strcmp(fat_detail(&vol), "root directory cluster marked free: 2"),
	      "mount refused: %s (%s)", fat_strerror(e), fat_detail(&vol));
	if (e == FAT_OK)
		fat_unmount(&vol);
	image_close(&d);
}

void hostile_tests(const char *tmpdir, int *passed, int *failed)
{
	tmp = tmpdir;
	test_cross_linked_replace();
	test_fsinfo_zero();
	test_root_marked_free();
	*passed = check_passed;
	*failed = check_failed;
}
