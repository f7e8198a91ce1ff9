/* fat_table.c: sector I/O, the cached FAT window, cluster chains and cluster allocation. */
#include <stdlib.h>
#include <string.h>

#include "fat_impl.h"


enum fat_err fat_dev_read(struct fat_volume *vol, uint32_t sector, uint32_t count, void *buf)
{
	struct blockdev *dev = vol->dev;

	if ((uint64_t)sector + count > vol->total_sectors)
		return fat_fail(vol, FAT_ERR_CORRUPT, "read beyond the volume at sector", sector);
	if (dev->read(dev->ctx, (uint64_t)sector * vol->dev_per_sector,
		      count * vol->dev_per_sector, buf))
		return fat_fail(vol, FAT_ERR_IO, "device read failed at sector", sector);
	return FAT_OK;
}

enum fat_err fat_dev_write(struct fat_volume *vol, uint32_t sector, uint32_t count,
			   const void *buf)
{
	struct blockdev *dev = vol->dev;
	uint64_t lba = (uint64_t)sector * vol->dev_per_sector;

	if ((uint64_t)sector + count > vol->total_sectors)
		return fat_fail(vol, FAT_ERR_CORRUPT, "write beyond the volume at sector", sector);
	if (vol->sec_buf_lba >= sector && vol->sec_buf_lba < (uint64_t)sector + count &&
	    buf != vol->sec_buf)
		vol->sec_buf_lba = UINT64_MAX;
	if (dev->write(dev->ctx, lba, count * vol->dev_per_sector, buf))
		return fat_fail(vol, FAT_ERR_IO, "device write failed at sector", sector);
	return FAT_OK;
}

uint32_t fat_cluster_sector(const struct fat_volume *vol, uint32_t cluster)
{
	return vol->data_start + (cluster - 2) * vol->sectors_per_cluster;
}

bool fat_cluster_valid(const struct fat_volume *vol, uint32_t cluster)
{
	return cluster >= 2 && cluster <= vol->cluster_count + 1;
}

static uint32_t window_sectors(const struct fat_volume *vol, uint32_t first)
{
	return first + 1 < vol->fat_sectors ? 2 : 1;
}

/* Writes the cached window to every FAT (or only the active one when mirroring is off). */
enum fat_err fat_table_flush(struct fat_volume *vol)
{
	uint32_t n = window_sectors(vol, vol->fat_buf_sector), i;
	enum fat_err err;

	if (!vol->fat_buf_dirty)
		return FAT_OK;
	for (i = 0; i < vol->num_fats; i++) {
		if (vol->active_fat >= 0 && i != (uint32_t)vol->active_fat)
			continue;
		err = fat_dev_write(vol, vol->fat_start + i * vol->fat_sectors + vol->fat_buf_sector,
				    n, vol->fat_buf);
		if (err)
			return err;
	}
	vol->fat_buf_dirty = false;
	return FAT_OK;
}

/* Makes FAT bytes [off, off + width) addressable in the window; returns their offset in it. */
static enum fat_err fat_window(struct fat_volume *vol, uint32_t off, uint32_t width,
			       uint32_t *at)
{
	uint32_t bps = vol->bytes_per_sector, sector = off / bps, w = vol->fat_buf_sector;
	uint32_t active = vol->active_fat < 0 ? 0 : (uint32_t)vol->active_fat;
	enum fat_err err;

	if (w == UINT32_MAX || off < w * bps ||
	    off + width > (w + window_sectors(vol, w)) * bps) {
		if ((err = fat_table_flush(vol)))
			return err;
		vol->fat_buf_sector = UINT32_MAX;
		err = fat_dev_read(vol, vol->fat_start + active * vol->fat_sectors + sector,
				   window_sectors(vol, sector), vol->fat_buf);
		if (err)
			return err;
		vol->fat_buf_sector = w = sector;
	}
	*at = off - w * bps;
	return FAT_OK;
}

static uint32_t entry_offset(const struct fat_volume *vol, uint32_t cluster)
{
	if (vol->type == FAT_TYPE_12)
		return cluster + cluster / 2;
	return cluster * (vol->type / 8);
}

enum fat_err fat_get(struct fat_volume *vol, uint32_t cluster, uint32_t *value)
{
	uint32_t at, raw;
	enum fat_err err;

	if (cluster > vol->cluster_count + 1)
		return fat_fail(vol, FAT_ERR_CORRUPT, "FAT entry out of range:", cluster);
	err = fat_window(vol, entry_offset(vol, cluster), vol->type == FAT_TYPE_32 ? 4 : 2, &at);
	if (err)
		return err;
	if (vol->type == FAT_TYPE_32) {
		*value = fat_le32(vol->fat_buf + at) & FAT32_MASK;
	} else {
		raw = fat_le16(vol->fat_buf + at);
		if (vol->type == FAT_TYPE_12)
			raw = (cluster & 1) ? raw >> 4 : raw & 0xFFF;
		*value = raw;
	}
	return FAT_OK;
}

enum fat_err fat_set(struct fat_volume *vol, uint32_t cluster, uint32_t value)
{
	uint32_t at, raw;
	uint8_t *p;
	enum fat_err err;

	if (!fat_cluster_valid(vol, cluster))
		return fat_fail(vol, FAT_ERR_CORRUPT, "setting FAT entry out of range:", cluster);
	err = fat_window(vol, entry_offset(vol, cluster), vol->type == FAT_TYPE_32 ? 4 : 2, &at);
	if (err)
		return err;
	p = vol->fat_buf + at;
	if (vol->type == FAT_TYPE_32) {
		fat_put32(p, (fat_le32(p) & ~FAT32_MASK) | (value & FAT32_MASK));
	} else if (vol->type == FAT_TYPE_16) {
		fat_put16(p, value);
	} else {
		raw = fat_le16(p);
		if (cluster & 1)
			raw = (raw & 0x000F) | ((value & 0xFFF) << 4);
		else
			raw = (raw & 0xF000) | (value & 0xFFF);
		fat_put16(p, raw);
	}
	vol->fat_buf_dirty = true;
	return FAT_OK;
}

/* The cluster after cluster in its chain, or 0 at the end; anything else is corruption. */
enum fat_err fat_next(struct fat_volume *vol, uint32_t cluster, uint32_t *next)
{
	uint32_t v;
	enum fat_err err;

	if ((err = fat_get(vol, cluster, &v)))
		return err;
	if (v >= vol->eoc - 7) {	/* 0x?FF8..0x?FFF: end of chain ("FAT Data Structure") */
		*next = 0;
		return FAT_OK;
	}
	if (v == FAT_FREE)
		return fat_fail(vol, FAT_ERR_CORRUPT, "free cluster inside a chain after", cluster);
	if (!fat_cluster_valid(vol, v))
		return fat_fail(vol, FAT_ERR_CORRUPT, "chain leaves the volume after cluster",
				cluster);
	*next = v;
	return FAT_OK;
}

/* Length of the chain at first; a chain longer than the volume has a loop. */
enum fat_err fat_chain_length(struct fat_volume *vol, uint32_t first, uint32_t *count)
{
	uint32_t c = first, n = 0;
	enum fat_err err;

	if (!fat_cluster_valid(vol, first))
		return fat_fail(vol, FAT_ERR_CORRUPT, "first cluster out of range:", first);
	while (c) {
		if (++n > vol->cluster_count)
			return fat_fail(vol, FAT_ERR_CORRUPT, "cluster chain loops; starts at", first);
		if ((err = fat_next(vol, c, &c)))
			return err;
	}
	*count = n;
	return FAT_OK;
}

/* Marks the chain at first in a bitmap of cluster numbers (malloc'd into *map). */
static enum fat_err chain_map(struct fat_volume *vol, uint32_t first, uint8_t **map)
{
	uint32_t c = first, n = 0;
	enum fat_err err;

	if (!(*map = calloc(((size_t)vol->cluster_count + 2 + 7) / 8, 1)))
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "freeing a chain of cluster", first);
	while (c) {
		if (++n > vol->cluster_count)
			return fat_fail(vol, FAT_ERR_CORRUPT, "cluster chain loops; starts at", first);
		(*map)[c / 8] |= (uint8_t)(1u << (c % 8));
		if ((err = fat_next(vol, c, &c)))
			return err;
	}
	return FAT_OK;
}

/* A chain another chain runs into (cross-linked: a FAT entry outside the chain points inside it)
 * is not freed: freeing it would free the other file's clusters too. */
static enum fat_err check_not_shared(struct fat_volume *vol, const uint8_t *map)
{
	uint32_t c, v;
	enum fat_err err;

	for (c = 2; c <= vol->cluster_count + 1; c++) {
		if (map[c / 8] >> (c % 8) & 1)
			continue;
		if ((err = fat_get(vol, c, &v)))
			return err;
		if (fat_cluster_valid(vol, v) && (map[v / 8] >> (v % 8) & 1))
			return fat_fail(vol, FAT_ERR_CORRUPT,
					"cross-linked: another chain runs into the one to free, at cluster", v);
	}
	return FAT_OK;
}

enum fat_err fat_free_chain(struct fat_volume *vol, uint32_t first)
{
	uint32_t c = first, next;
	uint8_t *map = NULL;
	enum fat_err err;

	if (!fat_cluster_valid(vol, first))
		return fat_fail(vol, FAT_ERR_CORRUPT, "freeing cluster out of range:", first);
	err = chain_map(vol, first, &map);
	if (!err)
		err = check_not_shared(vol, map);
	free(map);
	while (!err && c) {
		if ((err = fat_next(vol, c, &next)) || (err = fat_set(vol, c, FAT_FREE)))
			return err;
		if (vol->free_count != FAT_FREE_UNKNOWN)
			vol->free_count++;
		c = next;
	}
	return err;
}

enum fat_err fat_count_free(struct fat_volume *vol)
{
	uint32_t c, v, n = 0;
	enum fat_err err;

	for (c = 2; c <= vol->cluster_count + 1; c++) {
		if ((err = fat_get(vol, c, &v)))
			return err;
		n += v == FAT_FREE;
	}
	vol->free_count = n;
	return FAT_OK;
}

/* The first free cluster at or after from, wrapping around once. */
enum fat_err fat_find_free(struct fat_volume *vol, uint32_t from, uint32_t *cluster)
{
	uint32_t c = from, v, i;
	enum fat_err err;

	for (i = 0; i < vol->cluster_count; i++, c++) {
		if (!fat_cluster_valid(vol, c))
			c = 2;
		if ((err = fat_get(vol, c, &v)))
			return err;
		if (v == FAT_FREE) {
			*cluster = c;
			return FAT_OK;
		}
	}
	return fat_fail(vol, FAT_ERR_NO_SPACE, "no free cluster", NO_VALUE);
}

/* Writes len bytes (len <= run clusters) to the clusters first..; the tail sector is zero-padded. */
static enum fat_err write_run(struct fat_volume *vol, uint32_t first, const uint8_t *data,
			      uint32_t len)
{
	uint32_t bps = vol->bytes_per_sector, whole = len / bps;
	uint32_t sector = fat_cluster_sector(vol, first);
	enum fat_err err;

	if (whole && (err = fat_dev_write(vol, sector, whole, data)))
		return err;
	if (len % bps == 0)
		return FAT_OK;
	memset(vol->sec_buf, 0, bps);
	memcpy(vol->sec_buf, data + whole * bps, len % bps);
	vol->sec_buf_lba = UINT64_MAX;
	return fat_dev_write(vol, sector + whole, 1, vol->sec_buf);
}

/* Free clusters contiguous with c, up to want of them. */
static enum fat_err free_run(struct fat_volume *vol, uint32_t c, uint32_t want, uint32_t *run)
{
	uint32_t n = 1, v;
	enum fat_err err;

	while (n < want && fat_cluster_valid(vol, c + n)) {
		if ((err = fat_get(vol, c + n, &v)))
			return err;
		if (v != FAT_FREE)
			break;
		n++;
	}
	*run = n;
	return FAT_OK;
}

/* Chains the run c..c+n-1 after prev (0: none), ending it with end of chain. */
static enum fat_err link_run(struct fat_volume *vol, uint32_t prev, uint32_t c, uint32_t n)
{
	uint32_t i;
	enum fat_err err;

	for (i = 0; i < n; i++)
		if ((err = fat_set(vol, c + i, i + 1 < n ? c + i + 1 : vol->eoc)))
			return err;
	if (prev && (err = fat_set(vol, prev, c)))
		return err;
	vol->free_count -= n;
	return FAT_OK;
}

/* Allocates a chain for size bytes and fills it: each run of free clusters gets its data written
 * before any FAT entry marks it used, so the FAT never points at clusters not yet written. On
 * failure the clusters taken so far are freed again. */
enum fat_err fat_alloc_write(struct fat_volume *vol, const uint8_t *data, uint32_t size,
			     uint32_t *first)
{
	uint32_t cb = vol->cluster_bytes, want = (uint32_t)(((uint64_t)size + cb - 1) / cb);
	uint32_t done = 0, prev = 0, c, run, len;
	enum fat_err err = FAT_OK;

	*first = 0;
	/* FSInfo's count is only a hint ("FSInfo Sector Structure"): recount before refusing. */
	if (want > vol->free_count && (err = fat_count_free(vol)))
		return err;
	if (want > vol->free_count)
		return fat_fail(vol, FAT_ERR_NO_SPACE, "clusters needed", want);
	while (done < want) {
		if ((err = fat_find_free(vol, vol->next_free, &c)) ||
		    (err = free_run(vol, c, want - done, &run)))
			break;
		len = (uint64_t)(done + run) * cb > size ? size - done * cb : run * cb;
		if ((err = write_run(vol, c, data + (size_t)done * cb, len)) ||
		    (err = link_run(vol, prev, c, run)))
			break;
		if (!*first)
			*first = c;
		done += run;
		prev = c + run - 1;
		vol->next_free = fat_cluster_valid(vol, c + run) ? c + run : 2;
	}
	if (err && *first) {
		fat_free_chain(vol, *first);
		*first = 0;
	}
	return err;
}
