/* disk.c: the snapshot disk: virtio-blk plus the FAT volume on it, with errors said in words. */
#include <string.h>

#include "kernel/console.h"
#include "kernel/dev/disk.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/fs/fat.h"
#include "kernel/mm/mm.h"

static struct fat_volume volume;
static bool mounted;

static int set_err(char err[DISK_ERR_MAX], const char *what, enum fat_err e)
{
	const char *detail = fat_detail(&volume);
	if (e == FAT_ERR_NO_SPACE)
		ksnprintf(err, DISK_ERR_MAX, "%s: disk full", what);
	else if (detail && *detail)
		ksnprintf(err, DISK_ERR_MAX, "%s: %s (%s)", what, fat_strerror(e), detail);
	else
		ksnprintf(err, DISK_ERR_MAX, "%s: %s", what, fat_strerror(e));
	return -1;
}

static int no_disk(char err[DISK_ERR_MAX])
{
	ksnprintf(err, DISK_ERR_MAX, "no disk attached (boot with a virtio-blk disk holding a FAT filesystem)");
	return -1;
}

void disk_init(void)
{
	struct blockdev *dev = virtio_blk_init();
	if (!dev) {
		kprintf("Disk: none (no virtio-blk device): snapshots unavailable\n");
		return;
	}
	enum fat_err e = fat_mount(&volume, dev, dev->read_only ? FAT_MOUNT_READ_ONLY : 0);
	if (e != FAT_OK) {
		kprintf("Disk: not usable: %s (%s)\n", fat_strerror(e), fat_detail(&volume));
		return;
	}
	mounted = true;
	uint64_t free_bytes = 0;
	fat_free_space(&volume, &free_bytes);
	kprintf("Disk: FAT%d volume, %llu KiB free%s\n", (int)volume.type, (unsigned long long)(free_bytes >> 10),
		volume.read_only ? ", read-only" : "");
}

bool disk_present(void) { return mounted; }

int disk_write(const char *name, const void *data, size_t len, char err[DISK_ERR_MAX])
{
	if (!mounted)
		return no_disk(err);
	if (len > UINT32_MAX)
		return set_err(err, name, FAT_ERR_TOO_BIG);
	enum fat_err e = fat_write_file(&volume, name, data, (uint32_t)len); /* flushes the device */
	if (e == FAT_OK && fat_note_text(&volume)[0])
		kprintf("disk: %s written; note: %s\n", name, fat_note_text(&volume));
	return e == FAT_OK ? 0 : set_err(err, name, e);
}

int disk_read(const char *name, void **data, size_t *len, char err[DISK_ERR_MAX])
{
	if (!mounted)
		return no_disk(err);
	uint32_t size = 0;
	enum fat_err e = fat_read_file(&volume, name, data, &size);
	*len = size;
	return e == FAT_OK ? 0 : set_err(err, name, e);
}

int disk_delete(const char *name, char err[DISK_ERR_MAX])
{
	if (!mounted)
		return no_disk(err);
	enum fat_err e = fat_delete(&volume, name);
	return e == FAT_OK ? 0 : set_err(err, name, e);
}

static int print_entry(void *ctx, const struct fat_stat *st)
{
	(void)ctx;
	kprintf("  %10u  %s%s\n", st->size, st->name, st->is_dir ? "/" : "");
	return 0;
}

void disk_list(void)
{
	if (!mounted) {
		kprintf("no disk attached\n");
		return;
	}
	enum fat_err e = fat_list(&volume, "/", print_entry, NULL);
	if (e != FAT_OK)
		kprintf("ls: %s\n", fat_strerror(e));
	uint64_t free_bytes = 0;
	fat_free_space(&volume, &free_bytes);
	kprintf("  %llu KiB free\n", (unsigned long long)(free_bytes >> 10));
}
