/* fat_dirent.c: writing directory entries: new names (long-name entries + a unique 8.3 alias),
 * in-place updates, deletion, and growing a directory. */
#include <stdlib.h>
#include <string.h>

#include "fat_impl.h"

#define TAIL_MAX 9999u		/* numeric tails tried: NAME~1 .. N~9999 */

/* What one pass over the directory learns for a new name. */
struct add_plan {
	uint8_t basis[11];
	uint32_t need;			/* slots wanted: long-name entries + 1 */
	uint32_t run_len;		/* free slots found in a row so far */
	struct fat_slot run[FAT_LFN_MAX_ENTRIES + 1];
	bool basis_used;
	uint8_t tails[TAIL_MAX / 8 + 1];	/* bitmap of ~N tails in use */
	uint32_t last_cluster;
};

static void note_short_name(struct add_plan *p, const uint8_t *e)
{
	uint32_t n;

	if ((e[11] & FAT_ATTR_LONG_NAME_MASK) == FAT_ATTR_LONG_NAME)
		return;
	if (!memcmp(e, p->basis, 11))
		p->basis_used = true;
	n = fat_tail_number(e, p->basis);
	if (n && n <= TAIL_MAX)
		p->tails[n / 8] |= (uint8_t)(1u << (n % 8));
}

/* Finds the first run of p->need free slots and every short name the new alias must avoid. */
static enum fat_err plan_scan(struct fat_volume *vol, uint32_t dir, struct add_plan *p)
{
	struct fat_cursor cur;
	bool at_end = false;
	enum fat_err err;
	uint8_t *e;

	p->run_len = 0;
	p->basis_used = false;
	memset(p->tails, 0, sizeof(p->tails));
	for (err = fat_cursor_init(vol, &cur, dir); !err && !cur.end; err = fat_cursor_next(vol, &cur)) {
		struct fat_slot s = fat_cursor_slot(vol, &cur);

		p->last_cluster = cur.cluster;
		if (!at_end) {
			if ((err = fat_slot_load(vol, s, &e)))
				return err;
			at_end = e[0] == FAT_DIRENT_END;
		}
		if (at_end || e[0] == FAT_DIRENT_FREE) {
			if (p->run_len < p->need)
				p->run[p->run_len++] = s;
			else if (at_end)
				break;	/* everything after the end mark is free */
			continue;
		}
		if (p->run_len < p->need)
			p->run_len = 0;
		note_short_name(p, e);
	}
	return err;
}

/* Appends zeroed clusters for at least need more entries; the FAT link reaches the disk before
 * any entry is written into them. */
static enum fat_err grow_dir(struct fat_volume *vol, uint32_t dir, uint32_t last, uint32_t need)
{
	uint32_t bytes = need * FAT_DIRENT_SIZE, first, len;
	uint8_t *zeros;
	enum fat_err err;

	if (!dir)
		return fat_fail(vol, FAT_ERR_NO_SPACE, "FAT12/16 root directory full, entries",
				vol->root_sectors * vol->bytes_per_sector / FAT_DIRENT_SIZE);
	if ((err = fat_chain_length(vol, dir, &len)))
		return err;
	bytes = (bytes + vol->cluster_bytes - 1) / vol->cluster_bytes * vol->cluster_bytes;
	if ((uint64_t)len * vol->cluster_bytes + bytes > FAT_DIR_MAX_BYTES)
		return fat_fail(vol, FAT_ERR_NO_SPACE, "directory at its 65536-entry limit", NO_VALUE);
	if (!(zeros = calloc(1, bytes)))
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "zeroed directory cluster", NO_VALUE);
	err = fat_alloc_write(vol, zeros, bytes, &first);
	free(zeros);
	if (err || (err = fat_set(vol, last, first)) || (err = fat_table_flush(vol)))
		return err;
	if (vol->dev->flush(vol->dev->ctx))
		return fat_fail(vol, FAT_ERR_IO, "device flush failed", NO_VALUE);
	return FAT_OK;
}

/* Picks the 8.3 alias: the basis itself if it is exact and free, else the lowest free ~N. */
static enum fat_err pick_alias(struct fat_volume *vol, struct add_plan *p, bool lossy,
			       uint8_t sfn[11])
{
	uint32_t n;

	if (!lossy && !p->basis_used) {
		memcpy(sfn, p->basis, 11);
		return FAT_OK;
	}
	for (n = 1; n <= TAIL_MAX; n++) {
		if (!(p->tails[n / 8] & (1u << (n % 8)))) {
			fat_numeric_tail(sfn, p->basis, n);
			return FAT_OK;
		}
	}
	return fat_fail(vol, FAT_ERR_NO_SPACE, "all numeric tails used up to", TAIL_MAX);
}

static void build_lfn(uint8_t *e, const uint16_t *name, size_t len, uint32_t ord, uint32_t last,
		      uint8_t sum)
{
	struct fat_lfn_raw *l = (struct fat_lfn_raw *)e;
	uint32_t i, at = (ord - 1) * FAT_LFN_CHARS;
	uint16_t u;

	memset(e, 0, FAT_DIRENT_SIZE);
	l->ord = (uint8_t)(ord | (ord == last ? FAT_LFN_LAST : 0));
	l->attr = FAT_ATTR_LONG_NAME;
	l->chksum = sum;
	for (i = 0; i < FAT_LFN_CHARS; i++, at++) {
		/* NUL-terminated, then padded with 0xFFFF */
		u = at < len ? name[at] : at == len ? 0x0000 : 0xFFFF;
		if (i < 5)
			fat_put16(l->name1 + 2 * i, u);
		else if (i < 11)
			fat_put16(l->name2 + 2 * (i - 5), u);
		else
			fat_put16(l->name3 + 2 * (i - 11), u);
	}
}

static void set_cluster_size(struct fat_volume *vol, struct fat_dirent_raw *d, uint32_t cluster,
			     uint32_t size)
{
	uint16_t time, date = fat_dirent_date(vol, &time);

	fat_put16(d->fst_clus_lo, cluster);
	fat_put16(d->fst_clus_hi, vol->type == FAT_TYPE_32 ? cluster >> 16 : 0);
	fat_put32(d->file_size, size);
	fat_put16(d->wrt_time, time);
	fat_put16(d->wrt_date, date);
	fat_put16(d->lst_acc_date, date);
}

static void build_short(struct fat_volume *vol, uint8_t *e, const uint8_t sfn[11], uint8_t attr,
			uint32_t cluster, uint32_t size)
{
	struct fat_dirent_raw *d = (struct fat_dirent_raw *)e;
	uint16_t time, date = fat_dirent_date(vol, &time);

	memset(e, 0, FAT_DIRENT_SIZE);
	memcpy(d->name, sfn, 11);
	if (d->name[0] == FAT_DIRENT_FREE)
		d->name[0] = FAT_DIRENT_KANJI_E5;
	d->attr = attr;
	fat_put16(d->crt_time, time);
	fat_put16(d->crt_date, date);
	set_cluster_size(vol, d, cluster, size);
}

/* Writes the prepared entries slot by slot, one device write per sector; the short entry,
 * last in the run, is in the last sector written. */
static enum fat_err write_slots(struct fat_volume *vol, const struct fat_slot *slots, uint32_t n,
				const uint8_t *entries)
{
	uint32_t i;
	uint8_t *e;
	enum fat_err err;

	for (i = 0; i < n; i++) {
		if ((err = fat_slot_load(vol, slots[i], &e)))
			return err;
		memcpy(e, entries + i * FAT_DIRENT_SIZE, FAT_DIRENT_SIZE);
		if ((i + 1 == n || slots[i + 1].sector != slots[i].sector) &&
		    (err = fat_slot_store(vol, slots[i])))
			return err;
	}
	return FAT_OK;
}

static enum fat_err add_entries(struct fat_volume *vol, struct add_plan *p, const uint16_t *name,
				size_t len, bool lossy, uint8_t attr, uint32_t cluster,
				uint32_t size)
{
	uint8_t sfn[11], entries[(FAT_LFN_MAX_ENTRIES + 1) * FAT_DIRENT_SIZE];
	uint32_t nlfn = p->need - 1, i;
	char shown[13];
	enum fat_err err;

	if ((err = pick_alias(vol, p, lossy, sfn)))
		return err;
	fat_sfn_to_str(sfn, 0, shown);
	/* An upper-case 8.3 name that is its own alias needs no long-name entries. */
	if (!lossy && !memcmp(sfn, p->basis, 11) && len == strlen(shown)) {
		for (i = 0; i < len && name[i] == (uint8_t)shown[i]; i++)
			;
		if (i == len)
			nlfn = 0;
	}
	for (i = 0; i < nlfn; i++)
		build_lfn(entries + i * FAT_DIRENT_SIZE, name, len, nlfn - i, nlfn,
			  fat_lfn_checksum(sfn));
	build_short(vol, entries + nlfn * FAT_DIRENT_SIZE, sfn, attr, cluster, size);
	return write_slots(vol, p->run, nlfn + 1, entries);
}

/* Adds name to dir (the caller made sure it is not there yet). */
enum fat_err fat_dir_add(struct fat_volume *vol, uint32_t dir, const char *name, uint8_t attr,
			 uint32_t cluster, uint32_t size)
{
	uint16_t lfn[FAT_LFN_MAX];
	struct add_plan *p;
	size_t len;
	bool lossy;
	enum fat_err err;

	if (fat_name_to_utf16(name, lfn, &len))
		return fat_fail(vol, FAT_ERR_BAD_NAME, "name has a character FAT forbids, is too "
				"long, or ends in a dot or space", NO_VALUE);
	if (!(p = malloc(sizeof(*p))))
		return fat_fail(vol, FAT_ERR_NO_MEMORY, "directory entry plan", NO_VALUE);
	lossy = fat_basis_name(lfn, len, p->basis);
	p->need = (uint32_t)(len + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS + 1;
	err = plan_scan(vol, dir, p);
	if (!err && p->run_len < p->need) {
		err = grow_dir(vol, dir, p->last_cluster, p->need - p->run_len);
		if (!err)
			err = plan_scan(vol, dir, p);
		if (!err && p->run_len < p->need)
			err = fat_fail(vol, FAT_ERR_CORRUPT, "grown directory has no room", NO_VALUE);
	}
	if (!err)
		err = add_entries(vol, p, lfn, len, lossy, attr, cluster, size);
	free(p);
	return err;
}

/* Points an existing short entry at a new chain and size: one sector write. */
enum fat_err fat_dir_update(struct fat_volume *vol, const struct fat_found *found,
			    uint32_t cluster, uint32_t size)
{
	struct fat_slot s = found->slots[found->nslots - 1];
	struct fat_dirent_raw *d;
	uint8_t *e;
	enum fat_err err;

	if ((err = fat_slot_load(vol, s, &e)))
		return err;
	d = (struct fat_dirent_raw *)e;
	set_cluster_size(vol, d, cluster, size);
	d->attr |= FAT_ATTR_ARCHIVE;
	return fat_slot_store(vol, s);
}

/* Marks the long-name entries and then the short entry free. */
enum fat_err fat_dir_remove(struct fat_volume *vol, const struct fat_found *found)
{
	uint32_t i;
	uint8_t *e;
	enum fat_err err;

	for (i = 0; i < found->nslots; i++) {
		if ((err = fat_slot_load(vol, found->slots[i], &e)))
			return err;
		e[0] = FAT_DIRENT_FREE;
		if ((i + 1 == found->nslots || found->slots[i + 1].sector != found->slots[i].sector) &&
		    (err = fat_slot_store(vol, found->slots[i])))
			return err;
	}
	return FAT_OK;
}
