/* virtio_net.h: the virtio network device (virtio 1.1, 5.1), polled: one receive and one transmit queue. */
#ifndef KERNEL_VIRTIO_NET_H
#define KERNEL_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_NET_MAX_FRAME 1514 /* Ethernet header + 1500-byte MTU, no FCS */
#define VIRTIO_NET_MIN_FRAME 14   /* an Ethernet header */

struct virtio_net_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_short, rx_bad, rx_dropped; /* too short; malformed (length, GSO); refused by the stack */
	uint64_t tx_full, tx_too_long;         /* transmit ring full; frame over VIRTIO_NET_MAX_FRAME */
};

/* Finds the first virtio-net PCI function, negotiates, posts the receive buffers. Returns 0, or -1
 * (no device, or a message says why). */
int virtio_net_init(void);
bool virtio_net_present(void);
void virtio_net_mac(uint8_t mac[6]);
/* Link state from the device's status field (up when the device does not report it). */
bool virtio_net_link_up(void);
/* "bb:dd.f" of the PCI function. */
const char *virtio_net_pci_name(void);

/* Hands each received frame (without the virtio header) to deliver, at most budget frames, and
 * recycles its buffer. deliver returns false when it dropped the frame (counted as rx_dropped).
 * Returns the number of frames taken. */
int virtio_net_poll_rx(bool (*deliver)(const uint8_t *frame, uint32_t len, void *ctx), void *ctx, int budget);

/* A transmit buffer of VIRTIO_NET_MAX_FRAME bytes to fill, or NULL when the ring is full. */
uint8_t *virtio_net_tx_begin(void);
/* Sends the frame in the buffer from virtio_net_tx_begin(); returns 0, or -1 (length invalid). */
int virtio_net_tx_commit(uint8_t *frame, uint32_t len);

const struct virtio_net_stats *virtio_net_stats(void);

#endif
