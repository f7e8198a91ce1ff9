/* virtio_blk.c: virtio block device (virtio 1.1, 5.2): read, write and flush, polled. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "kernel/dev/virtio.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/mm/mm.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_BLK_TRANSITIONAL_ID 0x1001

/* virtio 1.1, 5.2.3: feature bits; 5.2.4: config offsets; 5.2.6: request types and status. */
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define BLK_CFG_CAPACITY 0
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define MAX_SECTORS_PER_REQUEST 1024 /* 512 KiB */
#define REQUEST_TIMEOUT_MS 10000

struct blk_req_header {
	uint32_t type, reserved;
	uint64_t sector;
};
_Static_assert(sizeof(struct blk_req_header) == 16, "virtio 1.1 5.2.6: request header is 16 bytes");

struct virtio_blk {
	struct virtio_dev dev;
	struct virtq q;
	struct blockdev bdev;
	struct blk_req_header *header; /* one page: header, then the status byte */
	volatile uint8_t *status;
	bool dead; /* a request timed out: its buffers may still be in the device's hands */
};

static struct virtio_blk blk;

/* Submits one request and polls for its completion. Returns 0 or -1 with a message. */
static int blk_request(struct virtio_blk *b, uint32_t type, uint64_t sector, void *data, uint32_t len)
{
	if (b->dead)
		return -1;
	b->header->type = type;
	b->header->reserved = 0;
	b->header->sector = sector;
	*b->status = 0xff;
	struct virtq_buf bufs[3];
	int n = 0;
	bufs[n++] = (struct virtq_buf){ (uintptr_t)b->header, sizeof(*b->header), false };
	if (len)
		bufs[n++] = (struct virtq_buf){ (uintptr_t)data, len, type == VIRTIO_BLK_T_IN };
	bufs[n++] = (struct virtq_buf){ (uintptr_t)b->status, 1, true };
	if (virtq_add(&b->q, bufs, n, b) < 0)
		return -1;
	virtq_kick(&b->q);
	uint64_t deadline = time_ms() + REQUEST_TIMEOUT_MS;
	while (!virtq_has_used(&b->q)) {
		if (time_ms() > deadline) {
			/* The device still owns the request's buffers and may complete it late: a later
			 * request would take that completion for its own. Stop using the device. */
			log_err("virtio-blk: request type %u sector %llu timed out; the disk is no longer used\n", type,
				(unsigned long long)sector);
			b->dead = true;
			virtio_fail(&b->dev);
			return -1;
		}
		__asm__ volatile("pause");
	}
	virtq_get(&b->q, NULL);
	if (*b->status != VIRTIO_BLK_S_OK) {
		log_err("virtio-blk: request type %u sector %llu failed: %s\n", type, (unsigned long long)sector,
			*b->status == VIRTIO_BLK_S_IOERR ? "I/O error" : *b->status == VIRTIO_BLK_S_UNSUPP ? "unsupported" : "bad status");
		return -1;
	}
	return 0;
}

static int blk_transfer(void *ctx, uint32_t type, uint64_t lba, uint32_t count, void *buf)
{
	struct virtio_blk *b = ctx;
	if (lba > b->bdev.sector_count || count > b->bdev.sector_count - lba)
		return -1;
	while (count) {
		uint32_t n = count < MAX_SECTORS_PER_REQUEST ? count : MAX_SECTORS_PER_REQUEST;
		if (blk_request(b, type, lba, buf, n * BLOCKDEV_SECTOR_SIZE) < 0)
			return -1;
		lba += n;
		count -= n;
		buf = (uint8_t *)buf + n * BLOCKDEV_SECTOR_SIZE;
	}
	return 0;
}

static int blk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	return blk_transfer(ctx, VIRTIO_BLK_T_IN, lba, count, buf);
}

static int blk_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	struct virtio_blk *b = ctx;
	if (b->bdev.read_only)
		return -1;
	return blk_transfer(ctx, VIRTIO_BLK_T_OUT, lba, count, (void *)buf);
}

static int blk_flush(void *ctx)
{
	struct virtio_blk *b = ctx;
	if (!(b->dev.features & VIRTIO_BLK_F_FLUSH))
		return 0; /* 5.2.6.2: without FLUSH the device writes through */
	return blk_request(b, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

struct blockdev *virtio_blk_init(void)
{
	static const uint16_t ids[] = { VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_BLOCK, VIRTIO_BLK_TRANSITIONAL_ID, 0 };
	struct pci_device *pci = pci_find(VIRTIO_PCI_VENDOR, ids);
	if (!pci)
		return NULL;
	struct virtio_blk *b = &blk;
	if (virtio_init(&b->dev, pci, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH) < 0)
		return NULL;
	if (virtq_setup(&b->dev, &b->q, 0, 64) < 0 || !(b->header = page_alloc_zeroed(1))) {
		log_err("virtio-blk: cannot set up the request queue\n");
		virtio_fail(&b->dev);
		return NULL;
	}
	b->status = (volatile uint8_t *)b->header + sizeof(*b->header);
	virtio_driver_ok(&b->dev);
	b->bdev = (struct blockdev){
		.ctx = b,
		.sector_count = virtio_cfg64(&b->dev, BLK_CFG_CAPACITY),
		.read_only = b->dev.features & VIRTIO_BLK_F_RO,
		.read = blk_read,
		.write = blk_write,
		.flush = blk_flush,
	};
	kprintf("virtio-blk: %02x:%02x.%x, %llu sectors (%llu MiB)%s%s\n", pci->bus, pci->dev, pci->fn,
		(unsigned long long)b->bdev.sector_count, (unsigned long long)(b->bdev.sector_count >> 11),
		b->bdev.read_only ? ", read-only" : "", b->dev.features & VIRTIO_BLK_F_FLUSH ? ", flush" : "");
	return &b->bdev;
}
