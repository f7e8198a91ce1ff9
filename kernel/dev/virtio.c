/* virtio.c: virtio 1.1 over PCI (section 4.1), modern interface only, and split virtqueues (2.6). */
#include <string.h>

#include "kernel/console.h"
#include "kernel/dev/virtio.h"
#include "kernel/mm/mm.h"

/* virtio 1.1, 4.1.4: virtio_pci_cap cfg_type values and field offsets. */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_NOTIFY_MULTIPLIER 16

/* virtio 1.1, 4.1.4.3: struct virtio_pci_common_cfg offsets. */
#define COMMON_DEVICE_FEATURE_SELECT 0
#define COMMON_DEVICE_FEATURE 4
#define COMMON_DRIVER_FEATURE_SELECT 8
#define COMMON_DRIVER_FEATURE 12
#define COMMON_NUM_QUEUES 18
#define COMMON_DEVICE_STATUS 20
#define COMMON_QUEUE_SELECT 22
#define COMMON_QUEUE_SIZE 24
#define COMMON_QUEUE_ENABLE 28
#define COMMON_QUEUE_NOTIFY_OFF 30
#define COMMON_QUEUE_DESC 32
#define COMMON_QUEUE_DRIVER 40
#define COMMON_QUEUE_DEVICE 48

/* virtio 1.1, 2.1: device status bits. */
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED 128

#define RESET_SPINS 1000000

static void w8(volatile uint8_t *base, uint32_t off, uint8_t v) { *(volatile uint8_t *)(base + off) = v; }
static void w16(volatile uint8_t *base, uint32_t off, uint16_t v) { *(volatile uint16_t *)(base + off) = v; }
static void w32(volatile uint8_t *base, uint32_t off, uint32_t v) { *(volatile uint32_t *)(base + off) = v; }
static uint8_t r8(volatile uint8_t *base, uint32_t off) { return *(volatile uint8_t *)(base + off); }
static uint16_t r16(volatile uint8_t *base, uint32_t off) { return *(volatile uint16_t *)(base + off); }
static uint32_t r32(volatile uint8_t *base, uint32_t off) { return *(volatile uint32_t *)(base + off); }

static void w64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
	w32(base, off, (uint32_t)v); /* 4.1.3.1: 64-bit fields may be written as two 32-bit halves */
	w32(base, off + 4, (uint32_t)(v >> 32));
}

/* Maps the structure a virtio capability points at; NULL when its BAR is unusable. */
static volatile uint8_t *cap_address(struct pci_device *d, uint8_t cap, uint32_t *len)
{
	uint8_t bar = pci_read8(d, cap + CAP_BAR);
	uint32_t off = pci_read32(d, cap + CAP_OFFSET);
	*len = pci_read32(d, cap + CAP_LENGTH);
	if (bar >= PCI_MAX_BARS || d->bars[bar].is_io || !d->bars[bar].size ||
	    (uint64_t)off + *len > d->bars[bar].size)
		return NULL;
	uint64_t phys = d->bars[bar].base + off;
	return mmio_map(phys, *len);
}

static int find_caps(struct virtio_dev *v)
{
	struct pci_device *d = v->pci;
	for (uint8_t cap = pci_find_cap(d, PCI_CAP_ID_VENDOR, 0); cap; cap = pci_find_cap(d, PCI_CAP_ID_VENDOR, cap)) {
		uint8_t type = pci_read8(d, cap + CAP_CFG_TYPE);
		uint32_t len;
		volatile uint8_t *p = cap_address(d, cap, &len);
		if (!p)
			continue;
		if (type == VIRTIO_PCI_CAP_COMMON_CFG && !v->common && len >= 56)
			v->common = p;
		else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !v->notify_base) {
			v->notify_base = p;
			v->notify_multiplier = pci_read32(d, cap + CAP_NOTIFY_MULTIPLIER);
		} else if (type == VIRTIO_PCI_CAP_ISR_CFG && !v->isr)
			v->isr = p;
		else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !v->device_cfg)
			v->device_cfg = p;
	}
	return v->common && v->notify_base && v->device_cfg ? 0 : -1;
}

static uint64_t device_features(struct virtio_dev *v)
{
	w32(v->common, COMMON_DEVICE_FEATURE_SELECT, 0);
	uint64_t lo = r32(v->common, COMMON_DEVICE_FEATURE);
	w32(v->common, COMMON_DEVICE_FEATURE_SELECT, 1);
	return lo | (uint64_t)r32(v->common, COMMON_DEVICE_FEATURE) << 32;
}

int virtio_init(struct virtio_dev *v, struct pci_device *pci, uint64_t wanted)
{
	memset(v, 0, sizeof(*v));
	v->pci = pci;
	pci_enable(pci);
	if (find_caps(v) < 0) {
		log_err("virtio %02x:%02x.%x: no modern (virtio 1.x) PCI capabilities\n", pci->bus, pci->dev, pci->fn);
		return -1;
	}
	/* 3.1.1: reset, acknowledge, driver, features, FEATURES_OK, queues, DRIVER_OK. */
	w8(v->common, COMMON_DEVICE_STATUS, 0);
	for (int i = 0; i < RESET_SPINS && r8(v->common, COMMON_DEVICE_STATUS); i++)
		;
	w8(v->common, COMMON_DEVICE_STATUS, STATUS_ACKNOWLEDGE);
	w8(v->common, COMMON_DEVICE_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	uint64_t offered = device_features(v);
	if (!(offered & VIRTIO_F_VERSION_1)) {
		log_err("virtio %02x:%02x.%x: device does not offer VIRTIO_F_VERSION_1\n", pci->bus, pci->dev, pci->fn);
		virtio_fail(v);
		return -1;
	}
	v->features = offered & (wanted | VIRTIO_F_VERSION_1);
	w32(v->common, COMMON_DRIVER_FEATURE_SELECT, 0);
	w32(v->common, COMMON_DRIVER_FEATURE, (uint32_t)v->features);
	w32(v->common, COMMON_DRIVER_FEATURE_SELECT, 1);
	w32(v->common, COMMON_DRIVER_FEATURE, (uint32_t)(v->features >> 32));
	w8(v->common, COMMON_DEVICE_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(r8(v->common, COMMON_DEVICE_STATUS) & STATUS_FEATURES_OK)) {
		log_err("virtio %02x:%02x.%x: device refused features 0x%llx\n", pci->bus, pci->dev, pci->fn,
			(unsigned long long)v->features);
		virtio_fail(v);
		return -1;
	}
	pci->claimed = true;
	return 0;
}

void virtio_driver_ok(struct virtio_dev *v)
{
	w8(v->common, COMMON_DEVICE_STATUS, r8(v->common, COMMON_DEVICE_STATUS) | STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *v)
{
	w8(v->common, COMMON_DEVICE_STATUS, r8(v->common, COMMON_DEVICE_STATUS) | STATUS_FAILED);
}

int virtq_setup(struct virtio_dev *v, struct virtq *q, uint16_t index, uint16_t max_size)
{
	memset(q, 0, sizeof(*q));
	if (index >= r16(v->common, COMMON_NUM_QUEUES))
		return -1;
	w16(v->common, COMMON_QUEUE_SELECT, index);
	uint16_t size = r16(v->common, COMMON_QUEUE_SIZE);
	if (!size)
		return -1;
	if (size > max_size)
		size = max_size; /* 4.1.4.3.2: the driver may use a smaller size (a power of 2 for split rings) */
	while (size & (size - 1))
		size &= size - 1;
	w16(v->common, COMMON_QUEUE_SIZE, size);
	/* 2.6: descriptor table 16*size, available ring 6+2*size, used ring 6+8*size; one page each
	 * holds up to 256 entries. */
	if (size > 256)
		return -1;
	q->desc = page_alloc_zeroed(1);
	q->avail = page_alloc_zeroed(1);
	q->used = page_alloc_zeroed(1);
	q->cookies = kzalloc(size * sizeof(void *));
	q->chain_len = kzalloc(size * sizeof(uint16_t));
	if (!q->desc || !q->avail || !q->used || !q->cookies || !q->chain_len)
		return -1;
	q->size = size;
	q->index = index;
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = i + 1;
	q->num_free = size;
	w64(v->common, COMMON_QUEUE_DESC, (uintptr_t)q->desc);
	w64(v->common, COMMON_QUEUE_DRIVER, (uintptr_t)q->avail);
	w64(v->common, COMMON_QUEUE_DEVICE, (uintptr_t)q->used);
	uint16_t notify_off = r16(v->common, COMMON_QUEUE_NOTIFY_OFF);
	q->notify = (volatile uint16_t *)(v->notify_base + (uint32_t)notify_off * v->notify_multiplier);
	w16(v->common, COMMON_QUEUE_ENABLE, 1);
	return 0;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, int n, void *cookie)
{
	if (n <= 0 || n > q->num_free)
		return -1;
	uint16_t head = q->free_head, i = head, last = head;
	for (int k = 0; k < n; k++) {
		struct virtq_desc *d = &q->desc[i];
		d->addr = bufs[k].addr;
		d->len = bufs[k].len;
		d->flags = (bufs[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		last = i;
		i = d->next;
	}
	q->free_head = q->desc[last].next;
	q->num_free -= n;
	q->cookies[head] = cookie;
	q->chain_len[head] = n;
	uint16_t idx = q->avail[1];
	q->avail[2 + idx % q->size] = head;
	__asm__ volatile("" ::: "memory"); /* the ring entry before the index (x86 keeps store order) */
	q->avail[1] = idx + 1;
	return 0;
}

void virtq_kick(struct virtq *q)
{
	__asm__ volatile("mfence" ::: "memory");
	*q->notify = q->index;
}

bool virtq_has_used(const struct virtq *q)
{
	return *(volatile uint16_t *)(q->used + 2) != q->last_used;
}

void *virtq_get(struct virtq *q, uint32_t *len)
{
	if (!virtq_has_used(q))
		return NULL;
	__asm__ volatile("" ::: "memory");
	const volatile struct virtq_used_elem *e =
		(const volatile struct virtq_used_elem *)(q->used + 4) + q->last_used % q->size;
	uint32_t head = e->id;
	if (len)
		*len = e->len;
	q->last_used++;
	if (head >= q->size || !q->chain_len[head]) {
		log_err("virtio: device returned a bad descriptor id %u\n", head);
		return NULL;
	}
	/* Return the chain to the free list. */
	uint16_t i = head;
	for (uint16_t k = 1; k < q->chain_len[head]; k++)
		i = q->desc[i].next;
	q->desc[i].next = q->free_head;
	q->free_head = head;
	q->num_free += q->chain_len[head];
	q->chain_len[head] = 0;
	void *cookie = q->cookies[head];
	q->cookies[head] = NULL;
	return cookie;
}

uint8_t virtio_cfg8(const struct virtio_dev *v, uint32_t off) { return r8(v->device_cfg, off); }
uint32_t virtio_cfg32(const struct virtio_dev *v, uint32_t off) { return r32(v->device_cfg, off); }

uint64_t virtio_cfg64(const struct virtio_dev *v, uint32_t off)
{
	return r32(v->device_cfg, off) | (uint64_t)r32(v->device_cfg, off + 4) << 32;
}
