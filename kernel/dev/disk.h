/* disk.h: the snapshot disk: the first virtio-blk device, holding a FAT filesystem. */
#ifndef KERNEL_DISK_H
#define KERNEL_DISK_H

#include <stdbool.h>
#include <stddef.h>

#define DISK_ERR_MAX 160

/* Finds the device and mounts the volume; prints one line saying what it found. */
void disk_init(void);
bool disk_present(void);
/* Each returns 0, or -1 with err holding a one-line reason ("no disk attached", "disk full"...). */
int disk_write(const char *name, const void *data, size_t len, char err[DISK_ERR_MAX]);
/* *data is kmalloc()ed (kfree it); NULL for an empty file. */
int disk_read(const char *name, void **data, size_t *len, char err[DISK_ERR_MAX]);
int disk_delete(const char *name, char err[DISK_ERR_MAX]);
/* Prints the root directory: size and name per file, then the free space. */
void disk_list(void);

#endif
