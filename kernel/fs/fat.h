/* fat.h: a FAT12/16/32 filesystem with VFAT long names on a block device (kernel and hosted). */
#ifndef KERNEL_FAT_H
#define KERNEL_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blockdev.h"

/* One table for the error codes: the enum and fat_strerror() come from it. */
#define FAT_ERRORS(X)                                                          \
	X(FAT_OK, "success")                                                   \
	X(FAT_ERR_NOT_FOUND, "no such file or directory")                      \
	X(FAT_ERR_NO_SPACE, "no space left on the volume")                     \
	X(FAT_ERR_BAD_NAME, "invalid file name")                               \
	X(FAT_ERR_IO, "I/O error")                                             \
	X(FAT_ERR_READ_ONLY, "read-only volume")                               \
	X(FAT_ERR_CORRUPT, "corrupt volume")                                   \
	X(FAT_ERR_IS_DIR, "is a directory")                                    \
	X(FAT_ERR_NOT_DIR, "not a directory")                                  \
	X(FAT_ERR_EXISTS, "file exists")                                       \
	X(FAT_ERR_NO_MEMORY, "out of memory")                                  \
	X(FAT_ERR_TOO_BIG, "file too large for FAT")                           \
	X(FAT_ERR_INVALID, "invalid argument")

enum fat_err {
#define FAT_ERR_ENUM(name, text) name,
	FAT_ERRORS(FAT_ERR_ENUM)
#undef FAT_ERR_ENUM
};

enum fat_type { FAT_TYPE_12 = 12, FAT_TYPE_16 = 16, FAT_TYPE_32 = 32 };

/* A long name is at most 255 UTF-16 units (fatgen103, "FAT Long Directory Entries"); as UTF-8
 * that is at most 3 bytes each. */
#define FAT_NAME_MAX 765
#define FAT_DETAIL_MAX 128
#define FAT_MOUNT_READ_ONLY 0x1u

/* What fat_stat() and fat_list() report about one directory entry. */
struct fat_stat {
	char name[FAT_NAME_MAX + 1];	/* long name if there is one, else the 8.3 name, UTF-8 */
	char short_name[13];		/* "NAME~1.EXT" */
	uint32_t size;
	uint32_t first_cluster;
	uint8_t attr;			/* FAT_ATTR_* in fat_impl.h; bit 4 = directory */
	bool is_dir;
	uint16_t write_date, write_time;	/* DOS format */
};

/* Called once per entry (".", ".." and the volume label are skipped); nonzero stops the walk. */
typedef int (*fat_list_fn)(void *ctx, const struct fat_stat *entry);

/* The DOS date (high 16 bits) and time (low 16 bits) stamped on files written; see fat_set_clock(). */
typedef uint32_t (*fat_clock_fn)(void *ctx);

/* One mounted volume. The caller owns the storage; every field is private to kernel/fat_*.c. */
struct fat_volume {
	struct blockdev *dev;
	enum fat_type type;
	bool read_only;
	bool mounted;
	uint32_t bytes_per_sector;	/* filesystem sector; a multiple of the 512-byte device sector */
	uint32_t dev_per_sector;
	uint32_t sectors_per_cluster;
	uint32_t cluster_bytes;
	uint32_t total_sectors;
	uint32_t fat_start, fat_sectors, num_fats;
	int32_t active_fat;		/* -1: all FATs mirrored */
	uint32_t root_start, root_sectors;	/* FAT12/16 fixed root directory */
	uint32_t root_cluster;			/* FAT32 root directory chain */
	uint32_t data_start;
	uint32_t cluster_count;		/* data clusters are 2 .. cluster_count + 1 */
	uint32_t eoc;			/* end-of-chain value written by us */
	uint32_t fsinfo_sector;		/* 0: none */
	uint32_t free_count;		/* FAT_FREE_UNKNOWN until counted */
	uint32_t next_free;
	bool fsinfo_stale;		/* on disk FSInfo says "unknown" until the next flush */
	uint8_t *fat_buf;		/* two consecutive FAT sectors (a FAT12 entry may straddle) */
	uint32_t fat_buf_sector;	/* FAT-relative; UINT32_MAX = empty */
	bool fat_buf_dirty;
	uint8_t *sec_buf;		/* one sector for directory entries and partial data sectors */
	uint64_t sec_buf_lba;		/* filesystem sector held; UINT64_MAX = empty */
	fat_clock_fn clock;
	void *clock_ctx;
	char detail[FAT_DETAIL_MAX];	/* why the last call failed */
	char note[FAT_DETAIL_MAX];	/* what the last successful write left behind, or "" */
};

const char *fat_strerror(enum fat_err err);
/* The detail of the last failure on vol ("BPB_BytsPerSec 300 not 512..4096"); "" if none. */
const char *fat_detail(const struct fat_volume *vol);
/* What the last fat_write_file that succeeded could not tidy up ("the old version's clusters were
 * not freed: cross-linked..."); "" if nothing. The file itself was written. */
const char *fat_note_text(const struct fat_volume *vol);

/* Reads and checks the boot sector (every BPB field), FSInfo and FAT[0..1]. On error vol is not
 * mounted and fat_detail(vol) says which check failed. */
enum fat_err fat_mount(struct fat_volume *vol, struct blockdev *dev, unsigned flags);
/* Writes back the FAT cache and FSInfo, then flushes the device. */
enum fat_err fat_flush(struct fat_volume *vol);
/* fat_flush() and releases the buffers; vol may be mounted again. */
enum fat_err fat_unmount(struct fat_volume *vol);
void fat_set_clock(struct fat_volume *vol, fat_clock_fn clock, void *ctx);

/* Paths are '/'-separated from the root ("" or "/" is the root); lookups ignore ASCII case. */
enum fat_err fat_stat(struct fat_volume *vol, const char *path, struct fat_stat *st);
enum fat_err fat_list(struct fat_volume *vol, const char *path, fat_list_fn fn, void *ctx);
/* Reads up to len bytes at offset; *got is how many (0 at or past the end). */
enum fat_err fat_read(struct fat_volume *vol, const char *path, uint32_t offset, void *buf,
		      uint32_t len, uint32_t *got);
/* Reads a whole file into a malloc()ed buffer (*data is NULL for an empty file). */
enum fat_err fat_read_file(struct fat_volume *vol, const char *path, void **data, uint32_t *size);
/* Creates path's file or replaces its contents, crash-safely (see fat_file.c). The parent
 * directory must exist; a replaced file keeps its existing name. */
enum fat_err fat_write_file(struct fat_volume *vol, const char *path, const void *data,
			    uint32_t size);
/* Deletes a file (not a directory). */
enum fat_err fat_delete(struct fat_volume *vol, const char *path);
/* Creates an empty directory. */
enum fat_err fat_mkdir(struct fat_volume *vol, const char *path);
enum fat_err fat_free_space(struct fat_volume *vol, uint64_t *bytes);

#endif
