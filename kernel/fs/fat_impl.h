/* fat_impl.h: on-disk layout of FAT volumes and the helpers shared by kernel/fs/fat_*.c (private to kernel/fs). */
#ifndef KERNEL_FAT_IMPL_H
#define KERNEL_FAT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "fat.h"

/* fat_fail's value when the failure has no number to report. */
#define NO_VALUE UINT32_MAX

/* Citations are to the section headings of the Microsoft "FAT32 File System Specification"
 * (fatgen103.doc, version 1.03), which are not numbered. */

/* The boot sector and BPB ("Boot Sector and BPB"); byte arrays so the layout has no padding and
 * every multi-byte field is read explicitly as little endian. */
struct fat_bpb_raw {
	uint8_t jmp_boot[3], oem_name[8];
	uint8_t byts_per_sec[2], sec_per_clus, rsvd_sec_cnt[2], num_fats;
	uint8_t root_ent_cnt[2], tot_sec16[2], media, fat_sz16[2];
	uint8_t sec_per_trk[2], num_heads[2], hidd_sec[4], tot_sec32[4];
	/* "FAT32 Structure Starting at Offset 36" */
	uint8_t fat_sz32[4], ext_flags[2], fs_ver[2], root_clus[4];
	uint8_t fs_info[2], bk_boot_sec[2], reserved[12];
	uint8_t drv_num, reserved1, boot_sig, vol_id[4], vol_lab[11], fil_sys_type[8];
};
_Static_assert(offsetof(struct fat_bpb_raw, fat_sz32) == 36, "BPB common part is 36 bytes");
_Static_assert(offsetof(struct fat_bpb_raw, fs_info) == 48, "BPB_FSInfo at offset 48");
_Static_assert(sizeof(struct fat_bpb_raw) == 90, "FAT32 BPB is 90 bytes");

#define FAT_BOOT_SIG_OFFSET 510		/* "Boot Sector and BPB": 0x55 0xAA at 510 */
#define FAT_FAT16_BOOT_SIG_OFFSET 38	/* "Fat12 and Fat16 Structure Starting at Offset 36" */
#define FAT_MIN_CLUSTERS_FAT16 4085	/* "FAT Type Determination" */
#define FAT_MIN_CLUSTERS_FAT32 65525
#define FAT_MAX_CLUSTERS_FAT32 0x0FFFFFF5u	/* 28-bit entries minus reserved values */
#define FAT_MAX_CLUSTER_BYTES 32768u	/* "BPB_SecPerClus": more than 32K is not allowed */

/* FAT entries ("FAT Data Structure") */
#define FAT_FREE 0u
#define FAT32_MASK 0x0FFFFFFFu		/* the high 4 bits are reserved and preserved */
#define FAT_EXT_FLAGS_NO_MIRROR 0x0080u	/* BPB_ExtFlags bit 7: only one FAT active */
#define FAT_EXT_FLAGS_ACTIVE 0x000Fu
#define FAT_FREE_UNKNOWN 0xFFFFFFFFu	/* FSI_Free_Count / FSI_Nxt_Free "unknown" */

/* "FAT32 FSInfo Sector Structure and Backup Boot Sector" */
#define FSI_LEAD_SIG_OFF 0
#define FSI_LEAD_SIG 0x41615252u
#define FSI_STRUC_SIG_OFF 484
#define FSI_STRUC_SIG 0x61417272u
#define FSI_FREE_COUNT_OFF 488
#define FSI_NXT_FREE_OFF 492
#define FSI_TRAIL_SIG_OFF 508
#define FSI_TRAIL_SIG 0xAA550000u

/* "FAT Directory Structure" */
struct fat_dirent_raw {
	uint8_t name[11], attr, nt_res, crt_time_tenth;
	uint8_t crt_time[2], crt_date[2], lst_acc_date[2], fst_clus_hi[2];
	uint8_t wrt_time[2], wrt_date[2], fst_clus_lo[2], file_size[4];
};
_Static_assert(sizeof(struct fat_dirent_raw) == 32, "directory entry is 32 bytes");
#define FAT_DIRENT_SIZE 32u
#define FAT_ATTR_READ_ONLY 0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME_ID 0x08
#define FAT_ATTR_DIRECTORY 0x10
#define FAT_ATTR_ARCHIVE 0x20
#define FAT_ATTR_LONG_NAME 0x0F		/* READ_ONLY|HIDDEN|SYSTEM|VOLUME_ID */
#define FAT_ATTR_LONG_NAME_MASK 0x3F
#define FAT_DIRENT_FREE 0xE5		/* DIR_Name[0]: entry is free */
#define FAT_DIRENT_END 0x00		/* DIR_Name[0]: this and every later entry are free */
#define FAT_DIRENT_KANJI_E5 0x05	/* DIR_Name[0]: the name really starts with 0xE5 */
#define FAT_NT_RES_LOWER_BASE 0x08	/* DIR_NTRes bits Windows NT and Linux use */
#define FAT_NT_RES_LOWER_EXT 0x10
#define FAT_DIR_MAX_BYTES (65536u * 32u)	/* a directory holds at most 65536 entries */

/* "FAT Long Directory Entries" */
struct fat_lfn_raw {
	uint8_t ord, name1[10], attr, type, chksum, name2[12], fst_clus_lo[2], name3[4];
};
_Static_assert(sizeof(struct fat_lfn_raw) == 32, "long name entry is 32 bytes");
#define FAT_LFN_LAST 0x40		/* LAST_LONG_ENTRY mask on LDIR_Ord */
#define FAT_LFN_ORD_MASK 0x3F
#define FAT_LFN_CHARS 13		/* UTF-16 units per entry */
#define FAT_LFN_MAX 255			/* "Name Limits and Character Sets" */
#define FAT_LFN_MAX_ENTRIES 20		/* ceil(255 / 13) */

#define FAT_DEFAULT_DATE ((20u << 9) | (1u << 5) | 1u)	/* 2000-01-01: "Date and Time Formats" */

static inline uint16_t fat_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t fat_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline void fat_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void fat_put32(uint8_t *p, uint32_t v)
{
	fat_put16(p, v);
	fat_put16(p + 2, v >> 16);
}

/* fat_mount.c */
enum fat_err fat_fail(struct fat_volume *vol, enum fat_err err, const char *what, uint32_t value);
/* Records "what: why" as the note of a call that succeeded but left something behind. */
void fat_note(struct fat_volume *vol, const char *what, const char *why);
enum fat_err fat_writable(struct fat_volume *vol);

/* fat_table.c: sectors, the FAT, cluster chains */
enum fat_err fat_dev_read(struct fat_volume *vol, uint32_t sector, uint32_t count, void *buf);
enum fat_err fat_dev_write(struct fat_volume *vol, uint32_t sector, uint32_t count,
			   const void *buf);
uint32_t fat_cluster_sector(const struct fat_volume *vol, uint32_t cluster);
bool fat_cluster_valid(const struct fat_volume *vol, uint32_t cluster);
enum fat_err fat_get(struct fat_volume *vol, uint32_t cluster, uint32_t *value);
enum fat_err fat_set(struct fat_volume *vol, uint32_t cluster, uint32_t value);
enum fat_err fat_table_flush(struct fat_volume *vol);
enum fat_err fat_next(struct fat_volume *vol, uint32_t cluster, uint32_t *next);
enum fat_err fat_chain_length(struct fat_volume *vol, uint32_t first, uint32_t *count);
enum fat_err fat_free_chain(struct fat_volume *vol, uint32_t first);
enum fat_err fat_count_free(struct fat_volume *vol);
enum fat_err fat_find_free(struct fat_volume *vol, uint32_t from, uint32_t *cluster);
enum fat_err fat_alloc_write(struct fat_volume *vol, const uint8_t *data, uint32_t size,
			     uint32_t *first);

/* fat_name.c: long and short names */
enum fat_err fat_name_to_utf16(const char *name, uint16_t *out, size_t *len);
void fat_utf16_to_utf8(const uint16_t *in, size_t n, char *out, size_t out_size);
bool fat_basis_name(const uint16_t *lfn, size_t n, uint8_t sfn[11]);
void fat_numeric_tail(uint8_t sfn[11], const uint8_t basis[11], uint32_t n);
uint8_t fat_lfn_checksum(const uint8_t sfn[11]);
void fat_sfn_to_str(const uint8_t sfn[11], uint8_t nt_res, char out[13]);
uint32_t fat_tail_number(const uint8_t sfn[11], const uint8_t basis[11]);
bool fat_names_equal(const char *a, const char *b);

/* fat_dir.c: walking and looking up directories; fat_dirent.c: adding and removing entries */
struct fat_slot {
	uint32_t sector;	/* filesystem sector */
	uint32_t offset;	/* byte offset of the entry in that sector */
};

/* One name found in a directory: its entry and where its long-name and short entries lie. */
struct fat_found {
	struct fat_stat st;
	uint8_t sfn[11];
	uint32_t dir;		/* directory cluster holding it; 0 = FAT12/16 fixed root */
	uint32_t nslots;	/* long-name entries + 1 */
	struct fat_slot slots[FAT_LFN_MAX_ENTRIES + 1];	/* the short entry is last */
};

/* A position in a directory: a cluster chain, or the FAT12/16 fixed root when dir is 0. */
struct fat_cursor {
	uint32_t dir, cluster, sector, entry, clusters;
	bool end;
};

enum fat_err fat_cursor_init(struct fat_volume *vol, struct fat_cursor *cur, uint32_t dir);
enum fat_err fat_cursor_next(struct fat_volume *vol, struct fat_cursor *cur);
struct fat_slot fat_cursor_slot(const struct fat_volume *vol, const struct fat_cursor *cur);
enum fat_err fat_slot_load(struct fat_volume *vol, struct fat_slot s, uint8_t **ent);
enum fat_err fat_slot_store(struct fat_volume *vol, struct fat_slot s);
uint32_t fat_root_dir(const struct fat_volume *vol);
enum fat_err fat_lookup(struct fat_volume *vol, uint32_t dir, const char *name,
			struct fat_found *found);
enum fat_err fat_resolve(struct fat_volume *vol, const char *path, bool want_parent,
			 uint32_t *dir, const char **leaf, struct fat_found *found);
enum fat_err fat_dir_list(struct fat_volume *vol, uint32_t dir, fat_list_fn fn, void *ctx);
enum fat_err fat_dir_add(struct fat_volume *vol, uint32_t dir, const char *name, uint8_t attr,
			 uint32_t cluster, uint32_t size);
enum fat_err fat_dir_update(struct fat_volume *vol, const struct fat_found *found,
			    uint32_t cluster, uint32_t size);
enum fat_err fat_dir_remove(struct fat_volume *vol, const struct fat_found *found);
uint16_t fat_dirent_date(const struct fat_volume *vol, uint16_t *time);

#endif
