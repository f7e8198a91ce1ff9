/* virtio.h: the virtio 1.1 modern PCI transport and split virtqueues, polled (no interrupts). */
#ifndef KERNEL_VIRTIO_H
#define KERNEL_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/dev/pci.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_MODERN_BASE 0x1040 /* virtio 1.1, 4.1.2.1: device id 0x1040 + virtio device type */
#define VIRTIO_F_VERSION_1 (1ull << 32) /* virtio 1.1, 6 */

/* virtio 1.1, 2.6.5: descriptor flags. */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.1 2.6.5: descriptor is 16 bytes");

struct virtq_used_elem {
	uint32_t id, len;
};

struct virtq {
	uint16_t size, index;
	struct virtq_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
	volatile uint8_t *used;   /* flags, idx, ring[size] of virtq_used_elem, avail_event */
	volatile uint16_t *notify;
	uint16_t free_head, num_free, last_used;
	void **cookies; /* per head descriptor: what the caller attached */
	uint16_t *chain_len;
};

struct virtio_dev {
	struct pci_device *pci;
	volatile uint8_t *common, *isr, *device_cfg, *notify_base;
	uint32_t notify_multiplier;
	uint64_t features; /* negotiated */
};

/* One buffer of a request: out (device reads) or in (device writes). */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
	bool device_writes;
};

/* Resets the device, finds its capabilities, negotiates features: 'wanted' are taken when offered,
 * VERSION_1 is required. Returns 0, or -1 with a message. */
int virtio_init(struct virtio_dev *v, struct pci_device *pci, uint64_t wanted);
int virtq_setup(struct virtio_dev *v, struct virtq *q, uint16_t index, uint16_t max_size);
/* Sets DRIVER_OK: the device is live. */
void virtio_driver_ok(struct virtio_dev *v);
void virtio_fail(struct virtio_dev *v);

/* Queues a descriptor chain; returns 0, or -1 when the ring is full. Does not notify. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, int n, void *cookie);
void virtq_kick(struct virtq *q);
/* Takes one completed chain: returns its cookie and sets *len (bytes written by the device),
 * or returns NULL when nothing completed. */
void *virtq_get(struct virtq *q, uint32_t *len);
bool virtq_has_used(const struct virtq *q);

uint8_t virtio_cfg8(const struct virtio_dev *v, uint32_t off);
uint32_t virtio_cfg32(const struct virtio_dev *v, uint32_t off);
uint64_t virtio_cfg64(const struct virtio_dev *v, uint32_t off);

#endif
