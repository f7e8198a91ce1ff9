/* net_ping.c: ICMP echo requests from Tally (RFC 792) through an lwIP raw PCB; lwIP answers others' pings. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "kernel/net/net.h"

#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/prot/icmp.h"
#include "lwip/raw.h"

#define PING_ID 0x7a11
#define PING_DATA 32

struct ping_state {
	uint16_t seq;
	bool replied;
};

/* Takes echo replies that match our identifier and the current sequence; leaves everything else
 * to lwIP. Every length is checked before a header is read. */
static u8_t ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct ping_state *st = arg;
	uint8_t vhl;
	struct icmp_echo_hdr h;
	(void)pcb, (void)addr;
	if (pbuf_copy_partial(p, &vhl, 1, 0) != 1)
		return 0;
	u16_t hlen = (u16_t)((vhl & 0x0f) * 4);
	if (hlen < IP_HLEN || p->tot_len < hlen + sizeof(h) || pbuf_copy_partial(p, &h, sizeof(h), hlen) != sizeof(h))
		return 0;
	if (h.type != ICMP_ER || lwip_ntohs(h.id) != PING_ID)
		return 0;
	if (lwip_ntohs(h.seqno) == st->seq)
		st->replied = true;
	pbuf_free(p);
	return 1;
}

static int ping_send(struct raw_pcb *pcb, uint32_t ip, uint16_t seq)
{
	struct pbuf *p = pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + PING_DATA, PBUF_RAM);
	if (!p)
		return -1;
	struct icmp_echo_hdr *h = p->payload;
	h->type = ICMP_ECHO;
	h->code = 0;
	h->chksum = 0;
	h->id = lwip_htons(PING_ID);
	h->seqno = lwip_htons(seq);
	for (int i = 0; i < PING_DATA; i++)
		((uint8_t *)(h + 1))[i] = (uint8_t)('a' + i % 26);
	h->chksum = inet_chksum(h, p->len);
	ip_addr_t dst;
	ip_addr_set_ip4_u32(&dst, lwip_htonl(ip));
	err_t e = raw_sendto(pcb, p, &dst);
	pbuf_free(p);
	return e == ERR_OK ? 0 : -1;
}

int net_ping(uint32_t ip, int count, uint32_t timeout_ms)
{
	char a[16];
	if (!net_present())
		return 0;
	struct ping_state st = { 0, false };
	struct raw_pcb *pcb = raw_new(IP_PROTO_ICMP);
	if (!pcb)
		return 0;
	raw_recv(pcb, ping_recv, &st);
	raw_bind(pcb, IP_ADDR_ANY);
	int replies = 0;
	for (int i = 0; i < count; i++) {
		st.seq = (uint16_t)(i + 1);
		st.replied = false;
		uint64_t start = time_ns(), deadline = time_ms() + timeout_ms;
		if (ping_send(pcb, ip, st.seq) < 0)
			kprintf("net: ping %s: seq %u not sent\n", net_format_ip(ip, a), st.seq);
		while (!st.replied && time_ms() < deadline)
			net_poll();
		if (!st.replied) {
			kprintf("net: ping %s: seq %u: no reply within %u ms\n", net_format_ip(ip, a), st.seq, timeout_ms);
			continue;
		}
		uint64_t us = (time_ns() - start) / 1000;
		kprintf("net: ping %s: seq %u: reply in %llu.%03llu ms\n", net_format_ip(ip, a), st.seq,
			(unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
		replies++;
	}
	raw_remove(pcb);
	return replies;
}
