/* virtio_blk.h: the virtio block device as a struct blockdev. */
#ifndef KERNEL_VIRTIO_BLK_H
#define KERNEL_VIRTIO_BLK_H

#include "kernel/fs/blockdev.h"

/* Finds and starts the first virtio-blk device; returns its blockdev, or NULL when there is none
 * (or it could not be started; the reason is printed). */
struct blockdev *virtio_blk_init(void);

#endif
