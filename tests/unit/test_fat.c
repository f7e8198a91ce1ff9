/* test_fat.c: kernel/fs/fat*.c on images made by mkfs.fat, checked with fsck.fat -n and mtools. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/fs/fat.h"
#include "kernel/fs/fat_impl.h"
#include "tests/check.h"
#include "tests/unit/fat_image.h"

static char tmp[64];

static void unmount_img(struct fat_volume *vol, struct image_dev *d)
{
	CHECK_QUIET(fat_unmount(vol) == FAT_OK, "unmount: %s", fat_detail(vol));
	image_close(d);
}

struct file_case {
	const char *name;
	uint32_t size;
};

/* Cluster is 512 bytes on these images: sizes straddle sector and cluster edges. */
static const struct file_case files[] = {
	{ "EMPTY.BIN", 0 }, { "one.txt", 1 }, { "SECTOR.DAT", 512 }, { "sector plus one.dat", 513 },
	{ "Mixed Case Name.Snap", 1023 }, { "a long snapshot name number 1.snap", 4096 },
	{ "a long snapshot name number 2.snap", 4097 }, { "x", 65536 },
	{ "name.with.many.dots.tar.gz", 100000 }, { "big-1MiB.snap", 1u << 20 },
	{ "Several MiB with spaces and a very long name that needs many LFN entries, "
	  "more than ten of them to be sure it crosses a sector.bin", 3u * 1024 * 1024 + 17 },
	{ "plus+comma,semi;eq=.x", 777 }, { "caf\xc3\xa9 \xe2\x82\xac.txt", 33 },
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static void write_all(struct fat_volume *vol, uint32_t seed, uint32_t scale)
{
	size_t i;

	for (i = 0; i < NFILES; i++) {
		uint32_t size = files[i].size / scale;
		uint8_t *b = pattern(size, seed + (uint32_t)i);
		enum fat_err err = fat_write_file(vol, files[i].name, b, size);

		CHECK_QUIET(err == FAT_OK, "write %s: %s (%s)", files[i].name, fat_strerror(err),
			    fat_detail(vol));
		CHECK_QUIET(read_equals(vol, files[i].name, b, size), "read back %s", files[i].name);
		free(b);
	}
}

static int verify_all_mtools(const char *img, uint32_t seed, uint32_t scale)
{
	size_t i;
	int ok = 1;

	for (i = 0; i < NFILES; i++) {
		uint32_t size = files[i].size / scale;
		uint8_t *b = pattern(size, seed + (uint32_t)i);

		ok &= mtools_has(img, files[i].name, b, size);
		free(b);
	}
	return ok;
}

static int count_visit(void *ctx, const struct fat_stat *st)
{
	(void)st;
	++*(int *)ctx;
	return 0;
}

static void test_names(struct fat_volume *vol)
{
	static const char *bad[] = { "", "a*b", "what?", "co:lon", "back\\slash", "pipe|",
				     "trailing.", "trailing ", " leading", "tab\tname", "..", "bad\xff" };
	char longname[300];
	struct fat_stat st;
	uint8_t b[3] = { 1, 2, 3 };
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_QUIET(fat_write_file(vol, bad[i], b, 3) == FAT_ERR_BAD_NAME, "bad name '%s'",
			    bad[i]);
	memset(longname, 'n', sizeof(longname));
	longname[256] = '\0';
	CHECK(fat_write_file(vol, longname, b, 3) == FAT_ERR_BAD_NAME, "256-character name refused");
	longname[255] = '\0';
	CHECK(fat_write_file(vol, longname, b, 3) == FAT_OK, "255-character name accepted");
	CHECK(fat_stat(vol, "a long snapshot name number 1.snap", &st) == FAT_OK &&
	      !strcmp(st.short_name, "ALONGS~1.SNA"), "alias ALONGS~1.SNA (%s)", st.short_name);
	CHECK(fat_stat(vol, "a long snapshot name number 2.snap", &st) == FAT_OK &&
	      !strcmp(st.short_name, "ALONGS~2.SNA"), "alias ALONGS~2.SNA (%s)", st.short_name);
	CHECK(fat_stat(vol, "one.txt", &st) == FAT_OK && !strcmp(st.short_name, "ONE.TXT") &&
	      !strcmp(st.name, "one.txt"), "lower-case 8.3 name keeps alias ONE.TXT and its case");
	CHECK(fat_stat(vol, "ONE.TXT", &st) == FAT_OK && fat_stat(vol, "One.Txt", &st) == FAT_OK,
	      "lookup ignores case");
	CHECK(fat_write_file(vol, "Case Test.TXT", b, 3) == FAT_OK &&
	      fat_write_file(vol, "case test.txt", b, 2) == FAT_OK &&
	      fat_stat(vol, "CASE TEST.TXT", &st) == FAT_OK && !strcmp(st.name, "Case Test.TXT") &&
	      st.size == 2, "a name differing in case replaces, keeping the first spelling");
	CHECK(fat_list(vol, "/", count_visit, &n) == FAT_OK && n == (int)NFILES + 2,
	      "root lists %d entries (want %zu)", n, NFILES + 2);
	CHECK(fat_stat(vol, "missing", &st) == FAT_ERR_NOT_FOUND, "missing file not found");
	CHECK(fat_write_file(vol, "one.txt/x", b, 3) == FAT_ERR_NOT_DIR, "file used as directory");
}

static void check_free_count(struct fat_volume *vol, const char *what)
{
	uint64_t hinted, counted;

	CHECK(fat_free_space(vol, &hinted) == FAT_OK && fat_count_free(vol) == FAT_OK &&
	      (counted = (uint64_t)vol->free_count * vol->cluster_bytes) == hinted,
	      "%s: FSInfo free count matches the FAT", what);
}

static void test_fat32_roundtrip(void)
{
	char img[128];
	struct fat_volume vol;
	struct image_dev d;
	uint8_t *b;
	uint32_t got;
	int i, ok = 1;

	snprintf(img, sizeof(img), "%s/rt32.img", tmp);
	CHECK(run("mkfs.fat -F 32 -S 512 -s 1 -C '%s' 65536 >/dev/null", img) == 0, "mkfs.fat -F 32");
	if (mount_img(&vol, &d, img))
		{ CHECK(0, "mount FAT32 image"); return; }
	CHECK(vol.type == FAT_TYPE_32 && vol.cluster_bytes == 512, "FAT32 with 512-byte clusters");
	check_free_count(&vol, "fresh volume");
	write_all(&vol, 100, 1);
	test_names(&vol);
	b = pattern(100000, 108);
	uint8_t part[5000];
	CHECK(fat_read(&vol, files[8].name, 1234, part, sizeof(part), &got) == FAT_OK &&
	      got == sizeof(part) && !memcmp(part, b + 1234, sizeof(part)), "range read mid-file");
	CHECK(fat_read(&vol, files[8].name, 99000, part, sizeof(part), &got) == FAT_OK &&
	      got == 1000 && !memcmp(part, b + 99000, 1000), "range read clipped at the end");
	free(b);
	unmount_img(&vol, &d);
	CHECK(fsck_clean(img), "fsck.fat -n clean after creating files");
	CHECK(verify_all_mtools(img, 100, 1), "mcopy reads every file byte for byte");
	{
		int st;
		char *out = run_capture(&st, NULL, "mdir -i '%s' ::", img);

		CHECK(out && st == 0 && strstr(out, "a long snapshot name number 1.snap") &&
		      strstr(out, "ALONGS~1 SNA") && strstr(out, "Mixed Case Name.Snap"),
		      "mdir shows long names (LFN checksums valid) and aliases");
		free(out);
	}

	if (mount_img(&vol, &d, img))
		{ CHECK(0, "remount"); return; }
	check_free_count(&vol, "after creating");
	write_all(&vol, 200, 3);	/* replace everything with other sizes and contents */
	for (i = 0; i < 120 && ok; i++) {	/* grows the root over many clusters */
		char name[64];
		uint8_t small[700];

		snprintf(name, sizeof(name), "many files number %03d.dat", i);
		fill_pattern(small, sizeof(small), 1000 + i);
		ok = fat_write_file(&vol, name, small, (uint32_t)(i * 5 + 1)) == FAT_OK;
	}
	CHECK(ok, "120 more files with long names: %s", fat_detail(&vol));
	for (i = 0; i < 120; i += 2) {
		char name[64];

		snprintf(name, sizeof(name), "MANY FILES NUMBER %03d.DAT", i);
		ok &= fat_delete(&vol, name) == FAT_OK;
	}
	CHECK(ok, "delete every other file");
	CHECK(fat_delete(&vol, files[9].name) == FAT_OK && fat_delete(&vol, "x") == FAT_OK,
	      "delete two of the originals");
	CHECK(fat_delete(&vol, "x") == FAT_ERR_NOT_FOUND, "deleting twice: not found");
	check_free_count(&vol, "after replacing and deleting");
	unmount_img(&vol, &d);
	CHECK(fsck_clean(img), "fsck.fat -n clean after replace and delete");
	ok = 1;
	for (i = 0; i < 120; i++) {
		char name[64];
		uint8_t small[700];

		snprintf(name, sizeof(name), "many files number %03d.dat", i);
		fill_pattern(small, sizeof(small), 1000 + i);
		ok &= (i % 2) ? mtools_has(img, name, small, (size_t)i * 5 + 1) : mtools_absent(img, name);
	}
	CHECK(ok, "mcopy: odd files present byte for byte, even ones gone");
	CHECK(mtools_absent(img, "x") && mtools_absent(img, files[9].name), "deleted originals gone");
	b = pattern(files[10].size / 3, 210);
	CHECK(mtools_has(img, files[10].name, b, files[10].size / 3), "replaced multi-MiB file");
	free(b);
}

/* Files put there by mtools, read by us; and ours in an mtools-made subdirectory. */
static void test_from_mtools(void)
{
	char img[128], host[128];
	struct fat_volume vol;
	struct image_dev d;
	uint8_t *a = pattern(300000, 7), *s = pattern(1000, 8), *c = pattern(5000, 9);
	FILE *f;

	snprintf(img, sizeof(img), "%s/mt.img", tmp);
	snprintf(host, sizeof(host), "%s/host.bin", tmp);
	CHECK(run("mkfs.fat -F 32 -C '%s' 40000 >/dev/null", img) == 0, "mkfs.fat for mtools test");
	f = fopen(host, "wb");
	fwrite(a, 1, 300000, f);
	fclose(f);
	CHECK(run("mcopy -i '%s' '%s' '::Host Long Name.bin'", img, host) == 0 &&
	      run("mmd -i '%s' ::sub ::sub/deeper", img) == 0, "mcopy and mmd");
	f = fopen(host, "wb");
	fwrite(s, 1, 1000, f);
	fclose(f);
	CHECK(run("mcopy -i '%s' '%s' ::SHORT.BIN", img, host) == 0 &&
	      run("mcopy -i '%s' '%s' '::sub/deeper/Inner File.txt'", img, host) == 0,
	      "mcopy into subdirectory");
	if (mount_img(&vol, &d, img))
		{ CHECK(0, "mount mtools image"); return; }
	CHECK(read_equals(&vol, "host long name.BIN", a, 300000), "read mcopy'd long-name file");
	CHECK(read_equals(&vol, "short.bin", s, 1000), "read mcopy'd 8.3 file");
	CHECK(read_equals(&vol, "/sub/DEEPER/inner file.txt", s, 1000), "read by path");
	CHECK(fat_write_file(&vol, "sub/deeper/ours in a subdir.snap", c, 5000) == FAT_OK &&
	      fat_mkdir(&vol, "sub/made by tally") == FAT_OK &&
	      fat_write_file(&vol, "sub/made by tally/f.bin", c, 4000) == FAT_OK,
	      "write into subdirectories, mkdir: %s", fat_detail(&vol));
	CHECK(fat_mkdir(&vol, "sub") == FAT_ERR_EXISTS, "mkdir of an existing name");
	CHECK(fat_write_file(&vol, "sub", c, 1) == FAT_ERR_IS_DIR, "file over a directory refused");
	CHECK(fat_delete(&vol, "sub") == FAT_ERR_IS_DIR, "delete refuses a directory");
	unmount_img(&vol, &d);
	CHECK(fsck_clean(img), "fsck.fat -n clean after writing into mtools directories");
	CHECK(mtools_has(img, "sub/deeper/ours in a subdir.snap", c, 5000) &&
	      mtools_has(img, "sub/made by tally/f.bin", c, 4000), "mcopy reads our subdir files");
	free(a);
	free(s);
	free(c);
}

int main(void)
{
	int p = 0, f = 0;

	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	setenv("LC_ALL", "C.UTF-8", 1); /* mtools maps names through the locale: "caf\xc3\xa9" needs UTF-8 */
	snprintf(tmp, sizeof(tmp), "/tmp/test_fat.XXXXXX");
	if (!mkdtemp(tmp))
		{ CHECK(0, "mkdtemp"); return check_summary(); }
	test_fat32_roundtrip();
	test_from_mtools();
	more_tests(tmp, &p, &f);
	check_passed += p;
	check_failed += f;
	hostile_tests(tmp, &p, &f);
	check_passed += p;
	check_failed += f;
	run("rm -rf '%s'", tmp);
	return check_summary();
}
