/* fat_file.c: the file operations: stat, list, read, create-or-replace, delete, mkdir.
 *
 * Crash-safe write order (fat_write_file). A power cut at any point leaves either the old file
 * or the new one, never a mix, and at worst clusters that fsck reclaims as lost:
 *   1. the new data clusters are written, run by run, each run before the FAT entries that
 *      chain it (fat_alloc_write); the FAT window is written back, then the device is flushed;
 *   2. the directory entry is written: for a replaced file only its short entry changes (first
 *      cluster, size, time), one sector, so the switch from old to new contents is atomic; a
 *      new file's long-name entries and short entry share the run, short entry last;
 *   3. the old chain is freed in the FAT;
 *   4. fat_flush(): FAT window, FSInfo (marked "free count unknown" before step 1 and rewritten
 *      with the true count now), device flush.
 * The price is that a replace needs room for both versions at once. */
#include <stdlib.h>
#include <string.h>

#include "fat_impl.h"


enum fat_err fat_stat(struct fat_volume *vol, const char *path, struct fat_stat *st)
{
	struct fat_found *f = malloc(sizeof(*f));
	enum fat_err err;
	uint32_t dir;

	if (!f)
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "stat", NO_VALUE);
	err = fat_resolve(vol, path, false, &dir, NULL, f);
	if (!err)
		*st = f->st;
	free(f);
	return err;
}

enum fat_err fat_list(struct fat_volume *vol, const char *path, fat_list_fn fn, void *ctx)
{
	struct fat_stat *st = malloc(sizeof(*st));
	enum fat_err err;
	uint32_t dir;

	if (!st)
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "list", NO_VALUE);
	err = fat_stat(vol, path, st);
	if (!err && !st->is_dir)
		err = fat_fail(vol, FAT_ERR_NOT_DIR, "listing a file", NO_VALUE);
	dir = st->first_cluster ? st->first_cluster : fat_root_dir(vol);
	free(st);
	return err ? err : fat_dir_list(vol, dir, fn, ctx);
}

/* Copies n bytes from byte pos of the contiguous clusters starting at sector. */
static enum fat_err read_bytes(struct fat_volume *vol, uint32_t sector, uint32_t pos,
			       uint8_t *dst, uint32_t n)
{
	uint32_t bps = vol->bytes_per_sector, off = pos % bps, part, whole;
	struct fat_slot s = { sector + pos / bps, 0 };
	enum fat_err err;
	uint8_t *src;

	if (off) {
		part = n < bps - off ? n : bps - off;
		if ((err = fat_slot_load(vol, s, &src)))
			return err;
		memcpy(dst, src + off, part);
		dst += part, n -= part, s.sector++;
	}
	whole = n / bps;
	if (whole && (err = fat_dev_read(vol, s.sector, whole, dst)))
		return err;
	dst += whole * bps, n -= whole * bps, s.sector += whole;
	if (n) {
		if ((err = fat_slot_load(vol, s, &src)))
			return err;
		memcpy(dst, src, n);
	}
	return FAT_OK;
}

/* The cluster holding byte offset of the chain at first. */
static enum fat_err seek_cluster(struct fat_volume *vol, uint32_t first, uint32_t offset,
				 uint32_t *cluster)
{
	uint32_t skip = offset / vol->cluster_bytes, c = first;
	enum fat_err err;

	if (!fat_cluster_valid(vol, first))
		return fat_fail(vol, FAT_ERR_CORRUPT, "file's first cluster out of range:", first);
	while (skip--) {
		if ((err = fat_next(vol, c, &c)))
			return err;
		if (!c)
			return fat_fail(vol, FAT_ERR_CORRUPT, "chain shorter than the file size from",
					first);
	}
	*cluster = c;
	return FAT_OK;
}

/* Reads len bytes from byte pos of cluster c onwards, one device read per contiguous run. */
static enum fat_err read_chain(struct fat_volume *vol, uint32_t c, uint32_t pos, uint8_t *dst,
			       uint32_t len)
{
	uint32_t cb = vol->cluster_bytes, k, next = 0, n;
	enum fat_err err;

	while (len) {
		for (k = 1; (uint64_t)k * cb - pos < len; k++) {
			if ((err = fat_next(vol, c + k - 1, &next)))
				return err;
			if (!next)
				return fat_fail(vol, FAT_ERR_CORRUPT, "chain shorter than the file at",
						c + k - 1);
			if (next != c + k)
				break;
		}
		n = (uint64_t)k * cb - pos < len ? k * cb - pos : len;
		if ((err = read_bytes(vol, fat_cluster_sector(vol, c), pos, dst, n)))
			return err;
		dst += n, len -= n, pos = 0, c = next;
	}
	return FAT_OK;
}

/* A file's chain must have exactly the clusters its size needs: no loop, no short or long chain. */
static enum fat_err check_chain(struct fat_volume *vol, const struct fat_found *f)
{
	uint32_t need = (uint32_t)(((uint64_t)f->st.size + vol->cluster_bytes - 1) / vol->cluster_bytes);
	uint32_t c = f->st.first_cluster, n = 0;
	enum fat_err err;

	if (!fat_cluster_valid(vol, c))
		return fat_fail(vol, FAT_ERR_CORRUPT, "file's first cluster out of range:", c);
	while (c && n <= need) {
		n++;
		if ((err = fat_next(vol, c, &c)))
			return err;
	}
	if (n != need)
		return fat_fail(vol, FAT_ERR_CORRUPT, "chain length does not match the file size "
				"at cluster", f->st.first_cluster);
	return FAT_OK;
}

static enum fat_err read_found(struct fat_volume *vol, const struct fat_found *f,
			       uint32_t offset, void *buf, uint32_t len, uint32_t *got)
{
	uint32_t c = 0;
	enum fat_err err;

	*got = 0;
	if (f->st.is_dir)
		return fat_fail(vol, FAT_ERR_IS_DIR, "reading a directory", NO_VALUE);
	if (offset >= f->st.size || len == 0)
		return FAT_OK;
	if (len > f->st.size - offset)
		len = f->st.size - offset;
	if ((err = check_chain(vol, f)) ||
	    (err = seek_cluster(vol, f->st.first_cluster, offset, &c)) ||
	    (err = read_chain(vol, c, offset % vol->cluster_bytes, buf, len)))
		return err;
	*got = len;
	return FAT_OK;
}

enum fat_err fat_read(struct fat_volume *vol, const char *path, uint32_t offset, void *buf,
		      uint32_t len, uint32_t *got)
{
	struct fat_found *f = malloc(sizeof(*f));
	enum fat_err err;
	uint32_t dir;

	*got = 0;
	if (!f)
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "read", NO_VALUE);
	err = fat_resolve(vol, path, false, &dir, NULL, f);
	if (!err)
		err = read_found(vol, f, offset, buf, len, got);
	free(f);
	return err;
}

enum fat_err fat_read_file(struct fat_volume *vol, const char *path, void **data, uint32_t *size)
{
	struct fat_stat *st = malloc(sizeof(*st));
	enum fat_err err;
	uint32_t got = 0;

	*data = NULL;
	*size = 0;
	if (!st)
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "read_file", NO_VALUE);
	err = fat_stat(vol, path, st);
	if (!err && st->is_dir)
		err = fat_fail(vol, FAT_ERR_IS_DIR, "reading a directory", NO_VALUE);
	if (!err && st->size && !(*data = malloc(st->size)))
		err = fat_fail(vol, FAT_ERR_NO_MEMORY, "file buffer of bytes", st->size);
	if (!err && st->size)
		err = fat_read(vol, path, 0, *data, st->size, &got);
	if (err) {
		free(*data);
		*data = NULL;
	}
	*size = got;
	free(st);
	return err;
}

/* Finds path's parent and, if it exists, path's entry (*exists). */
static enum fat_err find_target(struct fat_volume *vol, const char *path, uint32_t *dir,
				const char **leaf, struct fat_found *f, bool *exists)
{
	uint16_t lfn[FAT_LFN_MAX];
	size_t len;
	enum fat_err err;

	*exists = false;
	if ((err = fat_resolve(vol, path, true, dir, leaf, f)))
		return err;
	if (fat_name_to_utf16(*leaf, lfn, &len))
		return fat_fail(vol, FAT_ERR_BAD_NAME, "name has a character FAT forbids, is too "
				"long, or ends in a dot or space", NO_VALUE);
	err = fat_lookup(vol, *dir, *leaf, f);
	if (err == FAT_ERR_NOT_FOUND)
		return FAT_OK;
	*exists = !err;
	return err;
}

/* The barrier between steps 1 and 2 of the write order. */
static enum fat_err barrier(struct fat_volume *vol)
{
	enum fat_err err = fat_table_flush(vol);

	if (!err && vol->dev->flush(vol->dev->ctx))
		err = fat_fail(vol, FAT_ERR_IO, "device flush failed", NO_VALUE);
	return err;
}

/* Steps 1-3 of the write order above. */
static enum fat_err replace(struct fat_volume *vol, uint32_t dir, const char *leaf,
			    struct fat_found *f, bool exists, const void *data, uint32_t size)
{
	uint32_t first = 0;
	enum fat_err err;

	if (exists && f->st.is_dir)
		return fat_fail(vol, FAT_ERR_IS_DIR, "cannot replace a directory", NO_VALUE);
	if (exists && (f->st.attr & FAT_ATTR_READ_ONLY))
		return fat_fail(vol, FAT_ERR_READ_ONLY, "file has the read-only attribute", NO_VALUE);
	if (size && (err = fat_alloc_write(vol, data, size, &first)))
		return err;
	if ((err = barrier(vol)) ||
	    (err = exists ? fat_dir_update(vol, f, first, size)
			  : fat_dir_add(vol, dir, leaf, FAT_ATTR_ARCHIVE, first, size))) {
		if (first)
			fat_free_chain(vol, first);
		return err;
	}
	/* The new version is in place: a failure to free the old chain loses only its clusters. */
	if (exists && f->st.first_cluster && (err = fat_free_chain(vol, f->st.first_cluster)))
		fat_note(vol, "the old version's clusters were not freed", fat_detail(vol));
	return FAT_OK;
}

enum fat_err fat_write_file(struct fat_volume *vol, const char *path, const void *data,
			    uint32_t size)
{
	struct fat_found *f;
	const char *leaf;
	uint32_t dir;
	bool exists;
	enum fat_err err, flush_err;

	vol->note[0] = '\0';
	if ((err = fat_writable(vol)))
		return err;
	if (!(f = malloc(sizeof(*f))))
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "write", NO_VALUE);
	err = find_target(vol, path, &dir, &leaf, f, &exists);
	if (!err)
		err = replace(vol, dir, leaf, f, exists, data, size);
	free(f);
	flush_err = fat_flush(vol);
	return err ? err : flush_err;
}

enum fat_err fat_delete(struct fat_volume *vol, const char *path)
{
	struct fat_found *f;
	enum fat_err err, flush_err;
	uint32_t dir;

	if ((err = fat_writable(vol)))
		return err;
	if (!(f = malloc(sizeof(*f))))
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "delete", NO_VALUE);
	err = fat_resolve(vol, path, false, &dir, NULL, f);
	if (!err && f->st.is_dir)
		err = fat_fail(vol, FAT_ERR_IS_DIR, "delete removes files only", NO_VALUE);
	if (!err && (f->st.attr & FAT_ATTR_READ_ONLY))
		err = fat_fail(vol, FAT_ERR_READ_ONLY, "file has the read-only attribute", NO_VALUE);
	/* Entry first, chain second: a crash in between only loses clusters. */
	if (!err)
		err = fat_dir_remove(vol, f);
	if (!err && f->st.first_cluster)
		err = fat_free_chain(vol, f->st.first_cluster);
	free(f);
	flush_err = fat_flush(vol);
	return err ? err : flush_err;
}

/* A new directory's first cluster: "." and ".." entries, then zeros ("FAT Directory Structure"). */
static enum fat_err make_dir_cluster(struct fat_volume *vol, uint32_t parent, uint32_t *first)
{
	uint8_t *buf = calloc(1, vol->cluster_bytes);
	struct fat_dirent_raw *d = (struct fat_dirent_raw *)buf;
	uint16_t time, date = fat_dirent_date(vol, &time);
	enum fat_err err;
	int i;

	if (!buf)
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "directory cluster", NO_VALUE);
	if ((err = fat_alloc_write(vol, buf, vol->cluster_bytes, first)))
		goto out;
	if (parent == fat_root_dir(vol))
		parent = 0;	/* ".." of a top-level directory names the root as 0 */
	for (i = 0; i < 2; i++) {
		memset(d[i].name, ' ', 11);
		memset(d[i].name, '.', (size_t)i + 1);
		d[i].attr = FAT_ATTR_DIRECTORY;
		fat_put16(d[i].fst_clus_lo, i ? parent : *first);
		fat_put16(d[i].fst_clus_hi, vol->type == FAT_TYPE_32 ? (i ? parent : *first) >> 16 : 0);
		fat_put16(d[i].crt_time, time);
		fat_put16(d[i].crt_date, date);
		fat_put16(d[i].wrt_time, time);
		fat_put16(d[i].wrt_date, date);
		fat_put16(d[i].lst_acc_date, date);
	}
	if ((err = fat_dev_write(vol, fat_cluster_sector(vol, *first), 1, buf)))
		fat_free_chain(vol, *first);
out:
	free(buf);
	return err;
}

enum fat_err fat_mkdir(struct fat_volume *vol, const char *path)
{
	struct fat_found *f;
	const char *leaf;
	uint32_t dir, first = 0;
	bool exists;
	enum fat_err err, flush_err;

	if ((err = fat_writable(vol)))
		return err;
	if (!(f = malloc(sizeof(*f))))
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "mkdir", NO_VALUE);
	err = find_target(vol, path, &dir, &leaf, f, &exists);
	if (!err && exists)
		err = fat_fail(vol, FAT_ERR_EXISTS, "name already in use", NO_VALUE);
	if (!err)
		err = make_dir_cluster(vol, dir, &first);
	if (!err && !(err = barrier(vol)) &&
	    (err = fat_dir_add(vol, dir, leaf, FAT_ATTR_DIRECTORY, first, 0)))
		fat_free_chain(vol, first);
	free(f);
	flush_err = fat_flush(vol);
	return err ? err : flush_err;
}
