/* blockdev.h: a block device as the filesystem sees it: 512-byte sectors behind 3 callbacks. */
#ifndef KERNEL_BLOCKDEV_H
#define KERNEL_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLOCKDEV_SECTOR_SIZE 512

/* A driver (virtio-blk, or an image file in the hosted tests) fills this in. Each callback returns
 * 0 on success and nonzero on an I/O error; count sectors start at sector lba. A write may sit in a
 * volatile cache until flush() returns, so callers that need an order put flush() between writes. */
struct blockdev {
	void *ctx;
	uint64_t sector_count;
	bool read_only;
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(void *ctx);
};

#endif
