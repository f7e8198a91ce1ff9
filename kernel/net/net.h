/* net.h: Tally's IPv4 network: virtio-net + lwIP (NO_SYS, polled), addresses, ping, status. */
#ifndef KERNEL_NET_H
#define KERNEL_NET_H

#include <stdbool.h>
#include <stdint.h>

/* IPv4 addresses in this API are host-order numbers: 10.0.2.15 is 0x0a00020f. */

/* Finds the virtio-net device, starts lwIP, configures the address: static from ip=a.b.c.d/len
 * and gw=a.b.c.d, otherwise DHCP. Prints the "net:" banner line. Without a device: one line, and
 * every other call is a harmless no-op. */
void net_init(void);
/* One turn of the network: received frames into lwIP, lwIP's timers. Never blocks. */
void net_poll(void);
bool net_present(void);
/* True once the interface has an address (static, or DHCP bound) and the link is up. */
bool net_ready(void);
uint32_t net_address(void);
uint32_t net_gateway(void);
/* The shell's `net` command: device, link, address, frame and protocol counters. */
void net_print_status(void);

/* Parses "a.b.c.d" or "a.b.c.d:port" (strict: four decimal octets, port 1-65535); port is
 * default_port when absent. Returns 0, or -1 with *why set to a short reason (names are refused). */
int net_parse_host(const char *s, uint16_t default_port, uint32_t *ip, uint16_t *port, const char **why);
/* A migration target: "a.b.c.d[:port]" or "name[:port]" (a host name: letters, digits, '-' and
 * '.', at most NET_HOST_NAME_MAX characters). name is "" for an address. Returns 0, or -1 with *why. */
#define NET_HOST_NAME_MAX 253
struct net_target {
	uint32_t ip;
	uint16_t port;
	char name[NET_HOST_NAME_MAX + 1];
};
int net_parse_target(const char *s, uint16_t default_port, struct net_target *t, const char **why);
/* "a.b.c.d" into buf (at least 16 bytes); returns buf. */
char *net_format_ip(uint32_t ip, char *buf);

/* Sends count ICMP echo requests to ip, one at a time, waiting up to timeout_ms for each reply
 * while polling the network only. Prints one line per reply; returns the number of replies. */
int net_ping(uint32_t ip, int count, uint32_t timeout_ms);

/* Waits (polling the network) until net_ready() or timeout_ms passes; returns net_ready(). */
bool net_wait_ready(uint32_t timeout_ms);

/* selftest=ping|tcp-send|tcp-recv: runs the test and returns true, or false for other names. */
bool net_selftest(const char *name);

#endif
