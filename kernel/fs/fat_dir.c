/* fat_dir.c: directories: walking entries with their long names, lookup by path, adding and
 * removing entries. */
#include <stdlib.h>
#include <string.h>

#include "fat_impl.h"


/* Long-name entries gathered so far for the short entry that should follow them. */
struct lfn_state {
	uint16_t name[FAT_LFN_MAX_ENTRIES * FAT_LFN_CHARS];
	uint32_t count, next_ord, nslots;
	uint8_t checksum;
	struct fat_slot slots[FAT_LFN_MAX_ENTRIES];
};

uint32_t fat_root_dir(const struct fat_volume *vol)
{
	return vol->type == FAT_TYPE_32 ? vol->root_cluster : 0;
}

uint16_t fat_dirent_date(const struct fat_volume *vol, uint16_t *time)
{
	uint32_t now = vol->clock ? vol->clock(vol->clock_ctx) : FAT_DEFAULT_DATE << 16;

	*time = (uint16_t)now;
	return (uint16_t)(now >> 16);
}

enum fat_err fat_cursor_init(struct fat_volume *vol, struct fat_cursor *cur, uint32_t dir)
{
	memset(cur, 0, sizeof(*cur));
	cur->dir = cur->cluster = dir;
	if (dir && !fat_cluster_valid(vol, dir))
		return fat_fail(vol, FAT_ERR_CORRUPT, "directory cluster out of range:", dir);
	return FAT_OK;
}

struct fat_slot fat_cursor_slot(const struct fat_volume *vol, const struct fat_cursor *cur)
{
	struct fat_slot s;

	s.sector = cur->dir ? fat_cluster_sector(vol, cur->cluster) + cur->sector
			    : vol->root_start + cur->sector;
	s.offset = cur->entry * FAT_DIRENT_SIZE;
	return s;
}

enum fat_err fat_cursor_next(struct fat_volume *vol, struct fat_cursor *cur)
{
	enum fat_err err;

	if (++cur->entry < vol->bytes_per_sector / FAT_DIRENT_SIZE)
		return FAT_OK;
	cur->entry = 0;
	if (!cur->dir) {
		cur->end = ++cur->sector == vol->root_sectors;
		return FAT_OK;
	}
	if (++cur->sector < vol->sectors_per_cluster)
		return FAT_OK;
	cur->sector = 0;
	if ((err = fat_next(vol, cur->cluster, &cur->cluster)))
		return err;
	cur->end = cur->cluster == 0;
	if (++cur->clusters * vol->cluster_bytes >= FAT_DIR_MAX_BYTES && !cur->end)
		return fat_fail(vol, FAT_ERR_CORRUPT, "directory too long (loop?) at cluster",
				cur->dir);
	return FAT_OK;
}

/* The 32 bytes at slot, through the one-sector cache. */
enum fat_err fat_slot_load(struct fat_volume *vol, struct fat_slot s, uint8_t **ent)
{
	enum fat_err err;

	if (vol->sec_buf_lba != s.sector) {
		vol->sec_buf_lba = UINT64_MAX;
		if ((err = fat_dev_read(vol, s.sector, 1, vol->sec_buf)))
			return err;
		vol->sec_buf_lba = s.sector;
	}
	*ent = vol->sec_buf + s.offset;
	return FAT_OK;
}

enum fat_err fat_slot_store(struct fat_volume *vol, struct fat_slot s)
{
	return fat_dev_write(vol, s.sector, 1, vol->sec_buf);
}

/* Collects one long-name entry ("FAT Long Directory Entries"); a break in the sequence drops it. */
static void lfn_take(struct lfn_state *l, const struct fat_lfn_raw *e, struct fat_slot s)
{
	uint32_t ord = e->ord & FAT_LFN_ORD_MASK, i;
	uint16_t *dst;

	if (e->ord & FAT_LFN_LAST) {
		l->count = ord;
		l->nslots = 0;
		l->checksum = e->chksum;
	} else if (ord == 0 || ord != l->next_ord || e->chksum != l->checksum) {
		l->count = 0;
	}
	if (ord == 0 || ord > FAT_LFN_MAX_ENTRIES || e->type != 0 || fat_le16(e->fst_clus_lo)) {
		l->count = 0;
		return;
	}
	if (!l->count)
		return;
	dst = l->name + (ord - 1) * FAT_LFN_CHARS;
	for (i = 0; i < 5; i++)
		dst[i] = fat_le16(e->name1 + 2 * i);
	for (i = 0; i < 6; i++)
		dst[5 + i] = fat_le16(e->name2 + 2 * i);
	for (i = 0; i < 2; i++)
		dst[11 + i] = fat_le16(e->name3 + 2 * i);
	l->slots[l->nslots++] = s;
	l->next_ord = ord - 1;
}

/* Fills found from a short entry and, if they belong to it, the long-name entries before it. */
static void parse_entry(struct fat_volume *vol, struct lfn_state *l,
			const struct fat_dirent_raw *e, struct fat_slot s, struct fat_found *f)
{
	uint32_t len = 0, i;

	memcpy(f->sfn, e->name, 11);
	fat_sfn_to_str(e->name, e->nt_res, f->st.short_name);
	f->nslots = 0;
	if (l->count && l->next_ord == 0 && l->checksum == fat_lfn_checksum(e->name)) {
		while (len < l->count * FAT_LFN_CHARS && len < FAT_LFN_MAX && l->name[len])
			len++;
		fat_utf16_to_utf8(l->name, len, f->st.name, sizeof(f->st.name));
		for (i = 0; i < l->nslots; i++)
			f->slots[f->nslots++] = l->slots[i];
	} else {
		memcpy(f->st.name, f->st.short_name, sizeof(f->st.short_name));
	}
	l->count = 0;
	f->slots[f->nslots++] = s;
	f->st.attr = e->attr;
	f->st.is_dir = e->attr & FAT_ATTR_DIRECTORY;
	f->st.size = f->st.is_dir ? 0 : fat_le32(e->file_size);
	f->st.first_cluster = fat_le16(e->fst_clus_lo);
	if (vol->type == FAT_TYPE_32)
		f->st.first_cluster |= (uint32_t)fat_le16(e->fst_clus_hi) << 16;
	f->st.write_date = fat_le16(e->wrt_date);
	f->st.write_time = fat_le16(e->wrt_time);
}

typedef int (*walk_fn)(void *ctx, struct fat_found *found);

/* Calls fn for every file and directory in dir (not ".", "..", labels or free entries). */
static enum fat_err dir_walk(struct fat_volume *vol, uint32_t dir, walk_fn fn, void *ctx)
{
	struct lfn_state *l = malloc(sizeof(*l));
	struct fat_found *f = malloc(sizeof(*f));
	struct fat_cursor cur;
	enum fat_err err;
	uint8_t *e;

	if (!l || !f) {
		err = fat_fail(vol, FAT_ERR_NO_MEMORY, "directory walk", NO_VALUE);
		goto out;
	}
	l->count = 0;
	f->dir = dir;
	for (err = fat_cursor_init(vol, &cur, dir); !err && !cur.end; err = fat_cursor_next(vol, &cur)) {
		struct fat_slot s = fat_cursor_slot(vol, &cur);

		if ((err = fat_slot_load(vol, s, &e)) || e[0] == FAT_DIRENT_END)
			break;
		if (e[0] == FAT_DIRENT_FREE) {
			l->count = 0;
		} else if ((e[11] & FAT_ATTR_LONG_NAME_MASK) == FAT_ATTR_LONG_NAME) {
			lfn_take(l, (const struct fat_lfn_raw *)e, s);
		} else if ((e[11] & FAT_ATTR_VOLUME_ID) || e[0] == '.') {
			l->count = 0;
		} else {
			parse_entry(vol, l, (const struct fat_dirent_raw *)e, s, f);
			if (fn(ctx, f))
				break;
		}
	}
out:
	free(l);
	free(f);
	return err;
}

struct lookup_ctx {
	const char *name;
	struct fat_found *out;
	bool hit;
};

static int lookup_visit(void *ctx, struct fat_found *f)
{
	struct lookup_ctx *c = ctx;

	if (!fat_names_equal(c->name, f->st.name) && !fat_names_equal(c->name, f->st.short_name))
		return 0;
	*c->out = *f;
	c->hit = true;
	return 1;
}

enum fat_err fat_lookup(struct fat_volume *vol, uint32_t dir, const char *name,
			struct fat_found *found)
{
	struct lookup_ctx c = { name, found, false };
	enum fat_err err = dir_walk(vol, dir, lookup_visit, &c);

	if (err)
		return err;
	return c.hit ? FAT_OK : fat_fail(vol, FAT_ERR_NOT_FOUND, "no such name in directory",
					 NO_VALUE);
}

static void root_found(struct fat_volume *vol, struct fat_found *found)
{
	memset(found, 0, sizeof(*found));
	found->st.is_dir = true;
	found->st.attr = FAT_ATTR_DIRECTORY;
	found->st.first_cluster = fat_root_dir(vol);
	found->st.name[0] = '/';
}

/* A directory's first cluster as a lookup target (0 for the FAT12/16 root). */
static enum fat_err enter_dir(struct fat_volume *vol, const struct fat_found *f, uint32_t *dir)
{
	if (!f->st.is_dir)
		return fat_fail(vol, FAT_ERR_NOT_DIR, "a path component is a file", NO_VALUE);
	*dir = f->st.first_cluster ? f->st.first_cluster : fat_root_dir(vol);
	return FAT_OK;
}

/* Walks path from the root. With want_parent, stops before the last component: *dir is its
 * directory and *leaf points at its name inside path; otherwise found describes the target. */
enum fat_err fat_resolve(struct fat_volume *vol, const char *path, bool want_parent,
			 uint32_t *dir, const char **leaf, struct fat_found *found)
{
	char part[FAT_NAME_MAX + 1];
	const char *p = path, *slash;
	size_t n;
	enum fat_err err;

	if (!vol->mounted)
		return fat_fail(vol, FAT_ERR_INVALID, "volume not mounted", NO_VALUE);
	vol->detail[0] = '\0';
	root_found(vol, found);
	*dir = fat_root_dir(vol);
	while (*p == '/')
		p++;
	while (*p) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || n > FAT_NAME_MAX)
			return fat_fail(vol, FAT_ERR_BAD_NAME, "empty or too long path component",
					(uint32_t)n);
		if ((err = enter_dir(vol, found, dir)))
			return err;
		if (want_parent && !slash) {
			*leaf = p;
			return FAT_OK;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		if ((err = fat_lookup(vol, *dir, part, found)))
			return err;
		p += n;
		while (*p == '/')
			p++;
	}
	if (want_parent)
		return fat_fail(vol, FAT_ERR_BAD_NAME, "path names no file", NO_VALUE);
	return FAT_OK;
}

struct list_ctx {
	fat_list_fn fn;
	void *ctx;
};

static int list_visit(void *ctx, struct fat_found *f)
{
	struct list_ctx *c = ctx;

	return c->fn(c->ctx, &f->st);
}

enum fat_err fat_dir_list(struct fat_volume *vol, uint32_t dir, fat_list_fn fn, void *ctx)
{
	struct list_ctx c = { fn, ctx };

	return dir_walk(vol, dir, list_visit, &c);
}
