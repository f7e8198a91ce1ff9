/* fat_mount.c: mounting a FAT volume (every BPB field checked), FSInfo, flush, errors. */
#include <stdlib.h>
#include <string.h>

#include "fat_impl.h"


const char *fat_strerror(enum fat_err err)
{
	static const char *const text[] = {
#define FAT_ERR_TEXT(name, str) [name] = str,
		FAT_ERRORS(FAT_ERR_TEXT)
#undef FAT_ERR_TEXT
	};
	if ((unsigned)err >= sizeof(text) / sizeof(text[0]))
		return "unknown FAT error";
	return text[err];
}

const char *fat_detail(const struct fat_volume *vol)
{
	return vol->detail;
}

const char *fat_note_text(const struct fat_volume *vol)
{
	return vol->note;
}

void fat_note(struct fat_volume *vol, const char *what, const char *why)
{
	size_t n = strnlen(what, FAT_DETAIL_MAX - 3), m = strnlen(why, FAT_DETAIL_MAX - 3 - n);

	memcpy(vol->note, what, n);
	memcpy(vol->note + n, ": ", 2);
	memcpy(vol->note + n + 2, why, m);
	vol->note[n + 2 + m] = '\0';
}

/* Records why a call failed: "what" followed by value in decimal unless value is NO_VALUE. */
enum fat_err fat_fail(struct fat_volume *vol, enum fat_err err, const char *what, uint32_t value)
{
	char digits[11];
	size_t n = 0, len;

	len = strnlen(what, FAT_DETAIL_MAX - 13);
	memcpy(vol->detail, what, len);
	if (value != NO_VALUE) {
		do {
			digits[n++] = (char)('0' + value % 10);
			value /= 10;
		} while (value);
		vol->detail[len++] = ' ';
		while (n)
			vol->detail[len++] = digits[--n];
	}
	vol->detail[len] = '\0';
	return err;
}

void fat_set_clock(struct fat_volume *vol, fat_clock_fn clock, void *ctx)
{
	vol->clock = clock;
	vol->clock_ctx = ctx;
}

static bool is_power_of_two(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* BPB fields every FAT type has ("BPB Structure Common to FAT12, FAT16, and FAT32"). */
static enum fat_err check_common(struct fat_volume *vol, const struct fat_bpb_raw *b)
{
	uint32_t bps = fat_le16(b->byts_per_sec), spc = b->sec_per_clus;

	if (!(b->jmp_boot[0] == 0xEB && b->jmp_boot[2] == 0x90) && b->jmp_boot[0] != 0xE9)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BS_jmpBoot is not a jump, first byte",
				b->jmp_boot[0]);
	if (bps < 512 || bps > 4096 || !is_power_of_two(bps))
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_BytsPerSec not 512..4096:", bps);
	if (!is_power_of_two(spc))
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_SecPerClus not a power of 2:", spc);
	if (bps * spc > FAT_MAX_CLUSTER_BYTES)
		return fat_fail(vol, FAT_ERR_CORRUPT, "cluster larger than 32 KiB:", bps * spc);
	if (fat_le16(b->rsvd_sec_cnt) == 0)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_RsvdSecCnt is", 0);
	if (b->num_fats < 1 || b->num_fats > 4)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_NumFATs not 1..4:", b->num_fats);
	if (b->media != 0xF0 && b->media < 0xF8)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_Media not F0 or F8..FF:", b->media);
	/* BPB_SecPerTrk, BPB_NumHeads and BPB_HiddSec describe INT 13h geometry: any value is
	 * legal and none of them affects the layout. BS_VolID, BS_VolLab and BS_FilSysType are
	 * informational ("FAT Type Determination": never use BS_FilSysType). */
	return FAT_OK;
}

/* Sizes of the regions: total sectors, FAT size, root directory ("FAT Data Structure"). */
static enum fat_err check_sizes(struct fat_volume *vol, const struct fat_bpb_raw *b)
{
	uint32_t t16 = fat_le16(b->tot_sec16), t32 = fat_le32(b->tot_sec32);
	uint32_t f16 = fat_le16(b->fat_sz16), f32 = fat_le32(b->fat_sz32);
	uint32_t bps = fat_le16(b->byts_per_sec), roots = fat_le16(b->root_ent_cnt);

	if (t16 == 0 && t32 == 0)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_TotSec16 and BPB_TotSec32 both", 0);
	if (t16 != 0 && t32 != 0 && t16 != t32)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_TotSec16 and BPB_TotSec32 differ:", t32);
	vol->total_sectors = t16 ? t16 : t32;
	vol->fat_sectors = f16 ? f16 : f32;
	if (vol->fat_sectors == 0)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_FATSz16 and BPB_FATSz32 both", 0);
	if ((roots * FAT_DIRENT_SIZE) % bps)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_RootEntCnt not whole sectors:", roots);
	vol->bytes_per_sector = bps;
	vol->dev_per_sector = bps / BLOCKDEV_SECTOR_SIZE;
	vol->sectors_per_cluster = b->sec_per_clus;
	vol->cluster_bytes = bps * b->sec_per_clus;
	vol->num_fats = b->num_fats;
	vol->fat_start = fat_le16(b->rsvd_sec_cnt);
	vol->root_start = vol->fat_start + vol->num_fats * vol->fat_sectors;
	vol->root_sectors = roots * FAT_DIRENT_SIZE / bps;
	vol->data_start = vol->root_start + vol->root_sectors;
	if ((uint64_t)vol->total_sectors * vol->dev_per_sector > vol->dev->sector_count)
		return fat_fail(vol, FAT_ERR_CORRUPT, "volume larger than the device, sectors:",
				vol->total_sectors);
	if ((uint64_t)vol->num_fats * vol->fat_sectors + vol->fat_start + vol->root_sectors >=
	    vol->total_sectors)
		return fat_fail(vol, FAT_ERR_CORRUPT, "no data region; total sectors",
				vol->total_sectors);
	return FAT_OK;
}

/* The cluster count alone decides the type ("FAT Type Determination"); the BPB must agree. */
static enum fat_err check_type(struct fat_volume *vol, const struct fat_bpb_raw *b)
{
	uint64_t need_bits;

	vol->cluster_count = (vol->total_sectors - vol->data_start) / vol->sectors_per_cluster;
	if (vol->cluster_count < FAT_MIN_CLUSTERS_FAT16)
		vol->type = FAT_TYPE_12;
	else if (vol->cluster_count < FAT_MIN_CLUSTERS_FAT32)
		vol->type = FAT_TYPE_16;
	else
		vol->type = FAT_TYPE_32;
	if (vol->cluster_count == 0 || vol->cluster_count > FAT_MAX_CLUSTERS_FAT32)
		return fat_fail(vol, FAT_ERR_CORRUPT, "bad cluster count", vol->cluster_count);
	if (vol->type == FAT_TYPE_32 && (fat_le16(b->fat_sz16) || fat_le16(b->tot_sec16) ||
					 vol->root_sectors))
		return fat_fail(vol, FAT_ERR_CORRUPT,
				"FAT32 cluster count but FAT12/16 fields (FATSz16, TotSec16, "
				"RootEntCnt) set; clusters", vol->cluster_count);
	if (vol->type != FAT_TYPE_32 && (vol->root_sectors == 0 || fat_le16(b->fat_sz16) == 0))
		return fat_fail(vol, FAT_ERR_CORRUPT,
				"FAT12/16 cluster count but no fixed root or FATSz16; clusters",
				vol->cluster_count);
	need_bits = (uint64_t)(vol->cluster_count + 2) * (vol->type == FAT_TYPE_12 ? 12 : vol->type);
	if ((uint64_t)vol->fat_sectors * vol->bytes_per_sector * 8 < need_bits)
		return fat_fail(vol, FAT_ERR_CORRUPT, "FAT too small for the clusters, sectors:",
				vol->fat_sectors);
	vol->eoc = vol->type == FAT_TYPE_12 ? 0xFFF : vol->type == FAT_TYPE_16 ? 0xFFFF
									 : 0x0FFFFFFF;
	return FAT_OK;
}

/* "FAT32 Structure Starting at Offset 36". */
static enum fat_err check_fat32(struct fat_volume *vol, const struct fat_bpb_raw *b)
{
	uint32_t flags = fat_le16(b->ext_flags), rsvd = vol->fat_start;
	uint32_t fsinfo = fat_le16(b->fs_info), bk = fat_le16(b->bk_boot_sec);

	vol->active_fat = -1;
	if (vol->type != FAT_TYPE_32)
		return FAT_OK;
	if (flags & FAT_EXT_FLAGS_NO_MIRROR) {
		if ((flags & FAT_EXT_FLAGS_ACTIVE) >= vol->num_fats)
			return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_ExtFlags active FAT",
					flags & FAT_EXT_FLAGS_ACTIVE);
		vol->active_fat = (int32_t)(flags & FAT_EXT_FLAGS_ACTIVE);
	}
	if (fat_le16(b->fs_ver) != 0)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_FSVer not 0.0:", fat_le16(b->fs_ver));
	vol->root_cluster = fat_le32(b->root_clus);
	if (!fat_cluster_valid(vol, vol->root_cluster))
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_RootClus out of range:",
				vol->root_cluster);
	if (fsinfo != 0 && fsinfo != 0xFFFF && (fsinfo >= rsvd || fsinfo == bk))
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_FSInfo not a free reserved sector:",
				fsinfo);
	if (bk != 0 && bk != 0xFFFF && bk >= rsvd)
		return fat_fail(vol, FAT_ERR_CORRUPT, "BPB_BkBootSec beyond reserved area:", bk);
	vol->fsinfo_sector = (fsinfo == 0xFFFF) ? 0 : fsinfo;
	return FAT_OK;
}

/* FAT[0] holds BPB_Media in its low byte and FAT[1] an end-of-chain mark ("FAT Data Structure"). */
static enum fat_err check_reserved_entries(struct fat_volume *vol, uint8_t media)
{
	uint32_t e0;
	enum fat_err err;

	if ((err = fat_get(vol, 0, &e0)))
		return err;
	if ((e0 & 0xFF) != media)
		return fat_fail(vol, FAT_ERR_CORRUPT, "FAT[0] does not carry BPB_Media; FAT[0] =",
				e0);
	/* A root directory whose cluster the FAT calls free would be handed out to the next file. */
	if (vol->type == FAT_TYPE_32 && ((err = fat_get(vol, vol->root_cluster, &e0)) || e0 == FAT_FREE))
		return err ? err : fat_fail(vol, FAT_ERR_CORRUPT, "root directory cluster marked free:",
					    vol->root_cluster);
	return FAT_OK;
}

static enum fat_err read_fsinfo(struct fat_volume *vol)
{
	const uint8_t *s = vol->sec_buf;
	enum fat_err err;

	vol->free_count = FAT_FREE_UNKNOWN;
	vol->next_free = 2;
	if (!vol->fsinfo_sector)
		return FAT_OK;
	if ((err = fat_dev_read(vol, vol->fsinfo_sector, 1, vol->sec_buf)))
		return err;
	vol->sec_buf_lba = UINT64_MAX;
	if (fat_le32(s + FSI_LEAD_SIG_OFF) != FSI_LEAD_SIG ||
	    fat_le32(s + FSI_STRUC_SIG_OFF) != FSI_STRUC_SIG ||
	    fat_le32(s + FSI_TRAIL_SIG_OFF) != FSI_TRAIL_SIG)
		return fat_fail(vol, FAT_ERR_CORRUPT, "FSInfo signatures wrong in sector",
				vol->fsinfo_sector);
	/* Both fields are hints: out-of-range values mean "unknown". */
	if (fat_le32(s + FSI_FREE_COUNT_OFF) <= vol->cluster_count)
		vol->free_count = fat_le32(s + FSI_FREE_COUNT_OFF);
	if (fat_cluster_valid(vol, fat_le32(s + FSI_NXT_FREE_OFF)))
		vol->next_free = fat_le32(s + FSI_NXT_FREE_OFF);
	return FAT_OK;
}

static enum fat_err check_boot_sector(struct fat_volume *vol, const uint8_t *sector)
{
	const struct fat_bpb_raw *b = (const struct fat_bpb_raw *)sector;
	enum fat_err err;

	if (sector[FAT_BOOT_SIG_OFFSET] != 0x55 || sector[FAT_BOOT_SIG_OFFSET + 1] != 0xAA)
		return fat_fail(vol, FAT_ERR_CORRUPT, "no 55 AA boot signature", NO_VALUE);
	if ((err = check_common(vol, b)) || (err = check_sizes(vol, b)) ||
	    (err = check_type(vol, b)) || (err = check_fat32(vol, b)))
		return err;
	return FAT_OK;
}

static enum fat_err mount_buffers(struct fat_volume *vol)
{
	vol->fat_buf = malloc(2 * vol->bytes_per_sector);
	vol->sec_buf = malloc(vol->bytes_per_sector);
	vol->fat_buf_sector = UINT32_MAX;
	vol->sec_buf_lba = UINT64_MAX;
	if (!vol->fat_buf || !vol->sec_buf)
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "FAT buffers", NO_VALUE);
	return FAT_OK;
}

static void release(struct fat_volume *vol)
{
	free(vol->fat_buf);
	free(vol->sec_buf);
	vol->fat_buf = NULL;
	vol->sec_buf = NULL;
	vol->mounted = false;
}

enum fat_err fat_mount(struct fat_volume *vol, struct blockdev *dev, unsigned flags)
{
	uint8_t boot[BLOCKDEV_SECTOR_SIZE];
	enum fat_err err;

	memset(vol, 0, sizeof(*vol));
	vol->dev = dev;
	if (!dev || !dev->read || !dev->write || !dev->flush || dev->sector_count == 0)
		return fat_fail(vol, FAT_ERR_INVALID, "block device incomplete", NO_VALUE);
	vol->read_only = dev->read_only || (flags & FAT_MOUNT_READ_ONLY);
	if (dev->read(dev->ctx, 0, 1, boot))
		return fat_fail(vol, FAT_ERR_IO, "reading the boot sector", NO_VALUE);
	if ((err = check_boot_sector(vol, boot)) || (err = mount_buffers(vol)) ||
	    (err = check_reserved_entries(vol, boot[21])) || (err = read_fsinfo(vol))) {
		release(vol);
		return err;
	}
	vol->mounted = true;
	vol->detail[0] = '\0';
	return FAT_OK;
}

/* Before the first change after a flush, FSInfo on disk is marked "free count unknown", so a crash
 * mid-operation never leaves a wrong count behind; fat_flush() writes the true count back. */
enum fat_err fat_writable(struct fat_volume *vol)
{
	enum fat_err err;

	if (!vol->mounted)
		return fat_fail(vol, FAT_ERR_INVALID, "volume not mounted", NO_VALUE);
	if (vol->read_only)
		return fat_fail(vol, FAT_ERR_READ_ONLY, "volume mounted read-only", NO_VALUE);
	if (vol->free_count == FAT_FREE_UNKNOWN && (err = fat_count_free(vol)))
		return err;
	if (!vol->fsinfo_sector || vol->fsinfo_stale)
		return FAT_OK;
	if ((err = fat_dev_read(vol, vol->fsinfo_sector, 1, vol->sec_buf)))
		return err;
	vol->sec_buf_lba = UINT64_MAX;
	fat_put32(vol->sec_buf + FSI_FREE_COUNT_OFF, FAT_FREE_UNKNOWN);
	if ((err = fat_dev_write(vol, vol->fsinfo_sector, 1, vol->sec_buf)))
		return err;
	vol->fsinfo_stale = true;
	return FAT_OK;
}

static enum fat_err write_fsinfo(struct fat_volume *vol)
{
	enum fat_err err;

	if ((err = fat_dev_read(vol, vol->fsinfo_sector, 1, vol->sec_buf)))
		return err;
	vol->sec_buf_lba = UINT64_MAX;
	fat_put32(vol->sec_buf + FSI_FREE_COUNT_OFF, vol->free_count);
	fat_put32(vol->sec_buf + FSI_NXT_FREE_OFF, vol->next_free);
	if ((err = fat_dev_write(vol, vol->fsinfo_sector, 1, vol->sec_buf)))
		return err;
	vol->fsinfo_stale = false;
	return FAT_OK;
}

enum fat_err fat_flush(struct fat_volume *vol)
{
	enum fat_err err;

	if (!vol->mounted)
		return fat_fail(vol, FAT_ERR_INVALID, "volume not mounted", NO_VALUE);
	if (vol->read_only)
		return FAT_OK;
	if ((err = fat_table_flush(vol)))
		return err;
	if (vol->fsinfo_sector && vol->fsinfo_stale && (err = write_fsinfo(vol)))
		return err;
	if (vol->dev->flush(vol->dev->ctx))
		return fat_fail(vol, FAT_ERR_IO, "device flush failed", NO_VALUE);
	return FAT_OK;
}

enum fat_err fat_unmount(struct fat_volume *vol)
{
	enum fat_err err = fat_flush(vol);

	if (vol->mounted)
		release(vol);
	return err;
}

enum fat_err fat_free_space(struct fat_volume *vol, uint64_t *bytes)
{
	enum fat_err err;

	if (!vol->mounted)
		return fat_fail(vol, FAT_ERR_INVALID, "volume not mounted", NO_VALUE);
	if (vol->free_count == FAT_FREE_UNKNOWN && (err = fat_count_free(vol)))
		return err;
	*bytes = (uint64_t)vol->free_count * vol->cluster_bytes;
	return FAT_OK;
}
