/* virtio_net.c: virtio network device (virtio 1.1, 5.1), polled; frames are copied in and out of
 * fixed 2 KiB buffers that stay posted, and nothing the device writes is trusted. */
#include <stddef.h>
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "kernel/dev/virtio.h"
#include "kernel/dev/virtio_net.h"
#include "kernel/mm/mm.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_NET_TRANSITIONAL_ID 0x1000

/* virtio 1.1, 5.1.3: feature bits. */
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
/* virtio 1.1, 5.1.4: config layout (mac[6], then status) and status bits. */
#define NET_CFG_MAC 0
#define NET_CFG_STATUS 6
#define VIRTIO_NET_S_LINK_UP 1
/* virtio 1.1, 5.1.2: queue indices. */
#define NET_RX_QUEUE 0
#define NET_TX_QUEUE 1
/* virtio 1.1, 2.6.7: the driver asks for no interrupts (we poll); 2.6.8: the device needs no kicks. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1

#define NET_BUF_SIZE 2048 /* 5.1.6.3.1: at least 1526 bytes per buffer without MRG_RXBUF or GSO */
#define NET_QUEUE_MAX 256

/* virtio 1.1, 5.1.6: the header before every frame, both ways (12 bytes with VERSION_1). */
struct virtio_net_hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio 1.1 5.1.6: virtio_net_hdr is 12 bytes");
_Static_assert(sizeof(struct virtio_net_hdr) + VIRTIO_NET_MAX_FRAME <= NET_BUF_SIZE, "a frame fits a buffer");

struct virtio_net {
	struct virtio_dev dev;
	struct virtq rxq, txq;
	uint8_t *rx_bufs, *tx_bufs;
	uint16_t *tx_free; /* stack of free transmit buffer indices */
	uint16_t tx_free_count;
	uint8_t mac[6];
	char pci_name[12];
	bool present;
	struct virtio_net_stats stats;
};

static struct virtio_net net;

static int rx_post(struct virtio_net *n, uint8_t *buf)
{
	struct virtq_buf b = { (uintptr_t)buf, NET_BUF_SIZE, true };
	return virtq_add(&n->rxq, &b, 1, buf);
}

static int setup_buffers(struct virtio_net *n)
{
	size_t rx_pages = (size_t)n->rxq.size * NET_BUF_SIZE / PAGE_SIZE;
	size_t tx_pages = (size_t)n->txq.size * NET_BUF_SIZE / PAGE_SIZE;
	n->rx_bufs = page_alloc_zeroed(rx_pages ? rx_pages : 1);
	n->tx_bufs = page_alloc_zeroed(tx_pages ? tx_pages : 1);
	n->tx_free = kzalloc(n->txq.size * sizeof(uint16_t));
	if (!n->rx_bufs || !n->tx_bufs || !n->tx_free)
		return -1;
	for (uint16_t i = 0; i < n->txq.size; i++)
		n->tx_free[n->tx_free_count++] = i;
	for (uint16_t i = 0; i < n->rxq.size; i++)
		if (rx_post(n, n->rx_bufs + (size_t)i * NET_BUF_SIZE) < 0)
			return -1;
	/* 2.6.7: polled queues need no interrupts. */
	n->rxq.avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	n->txq.avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	return 0;
}

/* A locally administered unicast address when the device offers none (5.1.5: the driver picks). */
static void read_mac(struct virtio_net *n)
{
	if (n->dev.features & VIRTIO_NET_F_MAC) {
		for (int i = 0; i < 6; i++)
			n->mac[i] = virtio_cfg8(&n->dev, NET_CFG_MAC + i);
		return;
	}
	uint64_t t = time_ns() ^ 0x54616c6cull;
	n->mac[0] = 0x02;
	for (int i = 1; i < 6; i++, t >>= 8)
		n->mac[i] = (uint8_t)t;
}

int virtio_net_init(void)
{
	static const uint16_t ids[] = { VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_NET, VIRTIO_NET_TRANSITIONAL_ID, 0 };
	struct virtio_net *n = &net;
	struct pci_device *pci = pci_find(VIRTIO_PCI_VENDOR, ids);
	if (!pci)
		return -1;
	if (virtio_init(&n->dev, pci, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS) < 0)
		return -1;
	if (virtq_setup(&n->dev, &n->rxq, NET_RX_QUEUE, NET_QUEUE_MAX) < 0 ||
	    virtq_setup(&n->dev, &n->txq, NET_TX_QUEUE, NET_QUEUE_MAX) < 0 || setup_buffers(n) < 0) {
		log_err("virtio-net: cannot set up the receive and transmit queues\n");
		virtio_fail(&n->dev);
		return -1;
	}
	read_mac(n);
	ksnprintf(n->pci_name, sizeof(n->pci_name), "%02x:%02x.%x", pci->bus, pci->dev, pci->fn);
	virtio_driver_ok(&n->dev);
	virtq_kick(&n->rxq); /* 5.1.6.3: the receive buffers were posted before DRIVER_OK */
	n->present = true;
	return 0;
}

bool virtio_net_present(void) { return net.present; }
void virtio_net_mac(uint8_t mac[6]) { memcpy(mac, net.mac, 6); }
const char *virtio_net_pci_name(void) { return net.pci_name; }
const struct virtio_net_stats *virtio_net_stats(void) { return &net.stats; }

bool virtio_net_link_up(void)
{
	if (!net.present)
		return false;
	if (!(net.dev.features & VIRTIO_NET_F_STATUS))
		return true; /* 5.1.4: without STATUS the link is assumed up */
	uint16_t status = virtio_cfg8(&net.dev, NET_CFG_STATUS) | virtio_cfg8(&net.dev, NET_CFG_STATUS + 1) << 8;
	return status & VIRTIO_NET_S_LINK_UP;
}

/* Checks what the device wrote into one receive buffer; returns the frame length or 0 to drop. */
static uint32_t rx_check(struct virtio_net *n, const uint8_t *buf, uint32_t len)
{
	const struct virtio_net_hdr *h = (const struct virtio_net_hdr *)buf;
	if (len > NET_BUF_SIZE || h->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		n->stats.rx_bad++;
		return 0;
	}
	if (len < sizeof(*h) + VIRTIO_NET_MIN_FRAME) {
		n->stats.rx_short++;
		return 0;
	}
	if (len - sizeof(*h) > VIRTIO_NET_MAX_FRAME + 4) { /* room for an 802.1Q tag */
		n->stats.rx_bad++;
		return 0;
	}
	return len - sizeof(*h);
}

/* A cookie the device gave back must be one of our receive buffers. */
static bool is_rx_buf(const struct virtio_net *n, const uint8_t *p)
{
	return p >= n->rx_bufs && p < n->rx_bufs + (size_t)n->rxq.size * NET_BUF_SIZE &&
	       (size_t)(p - n->rx_bufs) % NET_BUF_SIZE == 0;
}

int virtio_net_poll_rx(bool (*deliver)(const uint8_t *frame, uint32_t len, void *ctx), void *ctx, int budget)
{
	struct virtio_net *n = &net;
	int taken = 0;
	if (!n->present)
		return 0;
	while (taken < budget && virtq_has_used(&n->rxq)) {
		uint32_t len = 0;
		uint8_t *buf = virtq_get(&n->rxq, &len);
		if (!buf || !is_rx_buf(n, buf)) {
			n->stats.rx_bad++;
			continue;
		}
		uint32_t flen = rx_check(n, buf, len);
		if (flen) {
			n->stats.rx_frames++;
			n->stats.rx_bytes += flen;
			if (!deliver(buf + sizeof(struct virtio_net_hdr), flen, ctx))
				n->stats.rx_dropped++;
		}
		rx_post(n, buf); /* cannot fail: this buffer's descriptor was just freed */
		taken++;
	}
	if (taken)
		virtq_kick(&n->rxq);
	return taken;
}

static void tx_reclaim(struct virtio_net *n)
{
	while (virtq_has_used(&n->txq)) {
		uint8_t *buf = virtq_get(&n->txq, NULL);
		if (!buf)
			continue;
		size_t i = (size_t)(buf - n->tx_bufs) / NET_BUF_SIZE;
		if (i < n->txq.size && n->tx_free_count < n->txq.size)
			n->tx_free[n->tx_free_count++] = (uint16_t)i;
	}
}

uint8_t *virtio_net_tx_begin(void)
{
	struct virtio_net *n = &net;
	if (!n->present)
		return NULL;
	tx_reclaim(n);
	if (!n->tx_free_count) {
		n->stats.tx_full++;
		return NULL;
	}
	uint8_t *buf = n->tx_bufs + (size_t)n->tx_free[--n->tx_free_count] * NET_BUF_SIZE;
	return buf + sizeof(struct virtio_net_hdr);
}

int virtio_net_tx_commit(uint8_t *frame, uint32_t len)
{
	struct virtio_net *n = &net;
	uint8_t *buf = frame - sizeof(struct virtio_net_hdr);
	if (len < VIRTIO_NET_MIN_FRAME || len > VIRTIO_NET_MAX_FRAME + 4) {
		n->stats.tx_too_long++;
		n->tx_free[n->tx_free_count++] = (uint16_t)((size_t)(buf - n->tx_bufs) / NET_BUF_SIZE);
		return -1;
	}
	memset(buf, 0, sizeof(struct virtio_net_hdr)); /* 5.1.6.2: no checksum offload, no GSO */
	struct virtq_buf b = { (uintptr_t)buf, sizeof(struct virtio_net_hdr) + len, false };
	if (virtq_add(&n->txq, &b, 1, buf) < 0) { /* cannot happen: one descriptor per free buffer */
		n->stats.tx_full++;
		n->tx_free[n->tx_free_count++] = (uint16_t)((size_t)(buf - n->tx_bufs) / NET_BUF_SIZE);
		return -1;
	}
	n->stats.tx_frames++;
	n->stats.tx_bytes += len;
	if (!(*(volatile uint16_t *)n->txq.used & VIRTQ_USED_F_NO_NOTIFY))
		virtq_kick(&n->txq);
	return 0;
}
