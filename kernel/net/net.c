/* net.c: the network interface: virtio-net frames to and from lwIP, addresses (DHCP or static),
 * lwIP's timers and port hooks, and the status report. */
#include <string.h>

#include "kernel/arch/panic.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/dev/virtio_net.h"
#include "kernel/net/net.h"
#include "kernel/options.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define NET_RX_BUDGET 64         /* frames per net_poll() turn */
#define NET_LINK_CHECK_MS 1000
#define NET_DEFAULT_PREFIX 24

static struct netif net_if;
static bool net_up, net_static, net_announced;
static uint64_t net_link_checked;

/* --- lwIP's port: time, randomness, assertions (kernel/net/lwip/arch/cc.h) --- */

uint32_t sys_now(void) { return (uint32_t)time_ms(); }

uint32_t net_rand(void)
{
	static uint64_t x;
	if (!x)
		x = rdtsc() | 1;
	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return (uint32_t)(x >> 16);
}

void net_lwip_assert(const char *msg, int line, const char *file)
{
	panic("lwIP: assertion \"%s\" failed at %s:%d", msg, file, line);
}

/* --- addresses --- */

char *net_format_ip(uint32_t ip, char *buf)
{
	ksnprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

/* One decimal number up to max, at least one digit and at most 5; advances *s. */
static int parse_dec(const char **s, uint32_t max, uint32_t *out)
{
	const char *start = *s;
	uint64_t v;
	if (parse_uint(s, false, &v) < 0 || *s - start > 5 || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_ip(const char **s, uint32_t *ip)
{
	uint32_t v = 0, octet;
	for (int i = 0; i < 4; i++) {
		if (i && *(*s)++ != '.')
			return -1;
		if (parse_dec(s, 255, &octet) < 0)
			return -1;
		v = v << 8 | octet;
	}
	*ip = v;
	return 0;
}

/* ":port" or nothing; advances *s. */
static int parse_port(const char **s, uint16_t default_port, uint16_t *port, const char **why)
{
	uint32_t p = default_port;
	if (**s == ':') {
		(*s)++;
		if (parse_dec(s, 65535, &p) < 0 || !p) {
			*why = "port is not a number from 1 to 65535";
			return -1;
		}
	}
	if (**s) {
		*why = "unexpected characters after the address";
		return -1;
	}
	*port = (uint16_t)p;
	return 0;
}

int net_parse_host(const char *s, uint16_t default_port, uint32_t *ip, uint16_t *port, const char **why)
{
	if (parse_ip(&s, ip) < 0) {
		*why = "not an IPv4 address a.b.c.d";
		return -1;
	}
	return parse_port(&s, default_port, port, why);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* RFC 1123 host names, loosely: name characters, not starting with '-' or '.'. */
static int parse_name(const char **s, char *name, const char **why)
{
	size_t n = 0;
	for (; name_char((*s)[n]); n++)
		if (n == NET_HOST_NAME_MAX) {
			*why = "host name longer than 253 characters";
			return -1;
		}
	if (!n || (*s)[0] == '-' || (*s)[0] == '.') {
		*why = "not an IPv4 address a.b.c.d or a host name";
		return -1;
	}
	memcpy(name, *s, n);
	name[n] = 0;
	*s += n;
	return 0;
}

int net_parse_target(const char *s, uint16_t default_port, struct net_target *t, const char **why)
{
	const char *at = s;
	t->name[0] = 0;
	t->ip = 0;
	if (parse_ip(&at, &t->ip) == 0 && (*at == ':' || !*at))
		return parse_port(&at, default_port, &t->port, why);
	if (parse_name(&s, t->name, why) < 0)
		return -1;
	return parse_port(&s, default_port, &t->port, why);
}

static void to_lwip(uint32_t ip, ip4_addr_t *a) { ip4_addr_set_u32(a, lwip_htonl(ip)); }
static uint32_t from_lwip(const ip4_addr_t *a) { return lwip_ntohl(ip4_addr_get_u32(a)); }

static int prefix_len(uint32_t mask)
{
	int n = 0;
	while (mask & 0x80000000u)
		mask <<= 1, n++;
	return n;
}

/* ip=a.b.c.d[/len] and gw=a.b.c.d; returns 0 when a valid static address was given. */
static int static_config(ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
	const char *v = option_get("ip"), *g = option_get("gw");
	uint32_t a, m = NET_DEFAULT_PREFIX, gwa = 0;
	if (!v)
		return -1;
	const char *s = v;
	if (parse_ip(&s, &a) < 0 || (*s == '/' && (s++, parse_dec(&s, 32, &m) < 0)) || *s) {
		log_warn("net: ip=%s is not a.b.c.d/len: using DHCP\n", v);
		return -1;
	}
	if (g && (s = g, parse_ip(&s, &gwa) < 0 || *s)) {
		log_warn("net: gw=%s is not a.b.c.d: no gateway\n", g);
		gwa = 0;
	}
	to_lwip(a, ip);
	to_lwip(m ? 0xffffffffu << (32 - m) : 0, mask);
	to_lwip(gwa, gw);
	return 0;
}

/* --- the interface --- */

static err_t net_linkoutput(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	uint8_t *buf = virtio_net_tx_begin();
	if (!buf) {
		LINK_STATS_INC(link.memerr);
		return ERR_MEM;
	}
	uint32_t len = p->tot_len > VIRTIO_NET_MAX_FRAME ? VIRTIO_NET_MAX_FRAME + 1 : p->tot_len;
	pbuf_copy_partial(p, buf, (u16_t)(len > VIRTIO_NET_MAX_FRAME ? VIRTIO_NET_MAX_FRAME : len), 0);
	if (virtio_net_tx_commit(buf, len) < 0) {
		LINK_STATS_INC(link.drop);
		return ERR_IF;
	}
	LINK_STATS_INC(link.xmit);
	return ERR_OK;
}

static err_t net_netif_init(struct netif *nif)
{
	nif->name[0] = 'v', nif->name[1] = 'n';
	nif->output = etharp_output;
	nif->linkoutput = net_linkoutput;
	nif->mtu = 1500;
	nif->hwaddr_len = ETH_HWADDR_LEN;
	virtio_net_mac(nif->hwaddr);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif_set_hostname(nif, "tally");
	return ERR_OK;
}

static void print_address_line(const char *how)
{
	char ip[16], gw[16];
	const uint8_t *m = net_if.hwaddr;
	kprintf("net: virtio-net MAC %02x:%02x:%02x:%02x:%02x:%02x address %s/%d gw %s (%s)\n", m[0], m[1], m[2],
		m[3], m[4], m[5], net_format_ip(from_lwip(netif_ip4_addr(&net_if)), ip),
		prefix_len(from_lwip(netif_ip4_netmask(&net_if))), net_format_ip(from_lwip(netif_ip4_gw(&net_if)), gw), how);
}

static void net_status_changed(struct netif *nif)
{
	if (net_static || ip4_addr_isany_val(*netif_ip4_addr(nif)))
		return;
	print_address_line("DHCP");
	net_announced = true;
}

/* Copies one received frame into a pbuf for lwIP (the virtio buffer is reposted at once). */
static bool net_deliver(const uint8_t *frame, uint32_t len, void *ctx)
{
	(void)ctx;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (!p) {
		LINK_STATS_INC(link.memerr);
		return false;
	}
	pbuf_take(p, frame, (u16_t)len);
	LINK_STATS_INC(link.recv);
	if (net_if.input(p, &net_if) != ERR_OK) {
		pbuf_free(p);
		return false;
	}
	return true;
}

/* One hosts= entry "name:a.b.c.d" into lwIP's local host list; NULL, or why it is left out. */
static const char *add_host(char *entry)
{
	char *colon = strchr(entry, ':');
	struct net_target t;
	uint32_t ip;
	uint16_t port;
	const char *why = NULL;
	if (!colon)
		return "not name:a.b.c.d";
	*colon = 0;
	if (net_parse_target(entry, 1, &t, &why) < 0)
		return why;
	if (!t.name[0])
		return "the name is an address";
	if (net_parse_host(colon + 1, 0, &ip, &port, &why) < 0)
		return why;
	if (port)
		return "a host's address takes no port";
	ip_addr_t a;
	ip_addr_set_ip4_u32(&a, lwip_htonl(ip));
	return dns_local_addhost(entry, &a) == ERR_OK ? NULL : "out of memory";
}

/* hosts=name:a.b.c.d,...: names known without DNS (lwIP's local host list, looked up first). */
static void add_hosts(void)
{
	for (const char *h = option_get("hosts"), *end; h && *h; h = end ? end + 1 : NULL) {
		end = strchr(h, ',');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		char entry[NET_HOST_NAME_MAX + 24];
		const char *why = "entry too long";
		if (len < sizeof(entry)) {
			memcpy(entry, h, len);
			entry[len] = 0;
			why = add_host(entry);
		}
		if (why)
			log_warn("command line: hosts=: '%.*s': %s; left out\n", (int)len, h, why);
	}
}

void net_init(void)
{
	if (virtio_net_init() < 0) {
		kprintf("net: no virtio-net device: network off\n");
		return;
	}
	lwip_init();
	ip4_addr_t ip, mask, gw;
	net_static = static_config(&ip, &mask, &gw) == 0;
	if (!net_static)
		ip4_addr_set_zero(&ip), ip4_addr_set_zero(&mask), ip4_addr_set_zero(&gw);
	netif_add(&net_if, &ip, &mask, &gw, NULL, net_netif_init, ethernet_input);
	netif_set_default(&net_if);
	netif_set_status_callback(&net_if, net_status_changed);
	netif_set_up(&net_if);
	if (virtio_net_link_up())
		netif_set_link_up(&net_if);
	net_link_checked = time_ms();
	net_up = true;
	add_hosts();
	if (net_static) {
		print_address_line("static");
		net_announced = true;
		return;
	}
	const uint8_t *m = net_if.hwaddr;
	kprintf("net: virtio-net MAC %02x:%02x:%02x:%02x:%02x:%02x: asking DHCP for an address\n", m[0], m[1], m[2],
		m[3], m[4], m[5]);
	if (dhcp_start(&net_if) != ERR_OK)
		log_err("net: cannot start DHCP (out of memory)\n");
}

static void check_link(void)
{
	bool up = virtio_net_link_up();
	if (up == netif_is_link_up(&net_if))
		return;
	kprintf("net: link %s\n", up ? "up" : "down");
	if (up)
		netif_set_link_up(&net_if);
	else
		netif_set_link_down(&net_if);
}

void net_poll(void)
{
	if (!net_up)
		return;
	virtio_net_poll_rx(net_deliver, NULL, NET_RX_BUDGET);
	netif_poll(&net_if); /* packets Tally sent to itself (LWIP_NETIF_LOOPBACK) */
	sys_check_timeouts();
	if (time_ms() - net_link_checked >= NET_LINK_CHECK_MS) {
		net_link_checked = time_ms();
		check_link();
	}
}

bool net_present(void) { return net_up; }
uint32_t net_address(void) { return net_up ? from_lwip(netif_ip4_addr(&net_if)) : 0; }
uint32_t net_gateway(void) { return net_up ? from_lwip(netif_ip4_gw(&net_if)) : 0; }

bool net_ready(void)
{
	return net_up && netif_is_link_up(&net_if) && !ip4_addr_isany_val(*netif_ip4_addr(&net_if));
}

bool net_wait_ready(uint32_t timeout_ms)
{
	uint64_t deadline = time_ms() + timeout_ms;
	while (net_up && !net_ready() && time_ms() < deadline)
		net_poll();
	return net_ready();
}

static void print_proto(const char *name, const struct stats_proto *s)
{
	kprintf("net: %-4s rx %u tx %u dropped %u (checksum %u, length %u, memory %u, routing %u, protocol %u)\n",
		name, s->recv, s->xmit, s->drop, s->chkerr, s->lenerr, s->memerr, s->rterr, s->proterr);
}

void net_print_status(void)
{
	if (!net_up) {
		kprintf("net: no virtio-net device\n");
		return;
	}
	char ip[16], gw[16];
	const uint8_t *m = net_if.hwaddr;
	kprintf("net: virtio-net %s MAC %02x:%02x:%02x:%02x:%02x:%02x link %s\n", virtio_net_pci_name(), m[0], m[1],
		m[2], m[3], m[4], m[5], netif_is_link_up(&net_if) ? "up" : "down");
	if (ip4_addr_isany_val(*netif_ip4_addr(&net_if)))
		kprintf("net: no address yet (DHCP %s)\n", net_static ? "off" : "asking");
	else
		kprintf("net: address %s/%d gw %s (%s)\n", net_format_ip(from_lwip(netif_ip4_addr(&net_if)), ip),
			prefix_len(from_lwip(netif_ip4_netmask(&net_if))),
			net_format_ip(from_lwip(netif_ip4_gw(&net_if)), gw), net_static ? "static" : "DHCP");
	const struct virtio_net_stats *st = virtio_net_stats();
	kprintf("net: frames rx %llu (%llu bytes) tx %llu (%llu bytes)\n", (unsigned long long)st->rx_frames,
		(unsigned long long)st->rx_bytes, (unsigned long long)st->tx_frames, (unsigned long long)st->tx_bytes);
	kprintf("net: frames dropped rx %llu (short %llu, malformed %llu, no memory or refused %llu) tx %llu (ring full %llu, too long %llu)\n",
		(unsigned long long)(st->rx_short + st->rx_bad + st->rx_dropped), (unsigned long long)st->rx_short,
		(unsigned long long)st->rx_bad, (unsigned long long)st->rx_dropped,
		(unsigned long long)(st->tx_full + st->tx_too_long), (unsigned long long)st->tx_full,
		(unsigned long long)st->tx_too_long);
	print_proto("arp", &lwip_stats.etharp);
	print_proto("ip", &lwip_stats.ip);
	print_proto("icmp", &lwip_stats.icmp);
	print_proto("udp", &lwip_stats.udp);
	print_proto("tcp", &lwip_stats.tcp);
}
