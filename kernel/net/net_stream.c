/* net_stream.c: non-blocking TCP streams on lwIP's raw API: received pbufs wait until read (the
 * window opens only as the reader consumes, tcp_recved), sends are copied into lwIP's send buffer
 * as far as it has room (tcp_sndbuf), and a progress timeout fails stuck streams. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "kernel/net/net.h"
#include "kernel/net/net_stream.h"

#include "lwip/dns.h"
#include "lwip/tcp.h"

#define NET_STREAM_BACKLOG 4
#define NET_STREAM_POLL_INTERVAL 2 /* lwIP coarse ticks (500 ms each) between timeout checks */

struct net_stream {
	struct tcp_pcb *pcb;
	enum net_stream_state state;
	const char *error;
	struct pbuf *rx; /* received, not yet read; at most TCP_WND bytes, so tot_len fits */
	uint32_t timeout_ms;
	uint64_t last_progress;
	uint32_t peer_ip;
	uint16_t peer_port;
	struct net_stream *queue[NET_STREAM_BACKLOG]; /* a listener's connections not yet accepted */
	int queued;
	int lookup;      /* its slot in lookups[] while its host name is resolved, else -1 */
};

static struct net_stream *stream_new(struct tcp_pcb *pcb, enum net_stream_state state)
{
	struct net_stream *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->pcb = pcb;
	s->state = state;
	s->error = "";
	s->timeout_ms = NET_STREAM_DEFAULT_TIMEOUT_MS;
	s->last_progress = time_ms();
	s->lookup = -1;
	return s;
}

static void stream_fail(struct net_stream *s, const char *why)
{
	if (s->state != NET_STREAM_FAILED)
		s->error = why;
	s->state = NET_STREAM_FAILED;
}

/* lwIP freed the pcb (RST received, retransmissions exhausted, or our own tcp_abort). */
static void on_err(void *arg, err_t err)
{
	struct net_stream *s = arg;
	if (!s)
		return;
	s->pcb = NULL;
	switch (err) {
	case ERR_RST:
		stream_fail(s, s->state == NET_STREAM_CONNECTING ? "connection refused" : "connection reset by peer");
		break;
	case ERR_ABRT:
		stream_fail(s, s->state == NET_STREAM_CONNECTING ? "no answer from the peer" : "peer stopped answering");
		break;
	case ERR_CLSD:
		stream_fail(s, "connection closed");
		break;
	default:
		stream_fail(s, "connection failed");
		break;
	}
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct net_stream *s = arg;
	(void)pcb;
	if (!p) {
		if (s->state == NET_STREAM_OPEN)
			s->state = NET_STREAM_PEER_CLOSED;
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	if (s->rx)
		pbuf_cat(s->rx, p);
	else
		s->rx = p;
	s->last_progress = time_ms();
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct net_stream *s = arg;
	(void)pcb, (void)len;
	s->last_progress = time_ms();
	return ERR_OK;
}

static bool timed_out(const struct net_stream *s)
{
	return s->timeout_ms && s->state != NET_STREAM_LISTENING && time_ms() - s->last_progress > s->timeout_ms;
}

/* Resets the connection; afterwards lwIP calls nothing of ours for it. */
static void stream_drop_pcb(struct net_stream *s)
{
	if (!s->pcb)
		return;
	tcp_arg(s->pcb, NULL);
	tcp_err(s->pcb, NULL);
	tcp_abort(s->pcb);
	s->pcb = NULL;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	struct net_stream *s = arg;
	(void)pcb;
	if (!timed_out(s))
		return ERR_OK;
	stream_fail(s, "timed out");
	stream_drop_pcb(s);
	return ERR_ABRT; /* 2.1: a callback that aborted its pcb says so */
}

static void stream_attach(struct net_stream *s, struct tcp_pcb *pcb)
{
	tcp_arg(pcb, s);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, NET_STREAM_POLL_INTERVAL);
	tcp_nagle_disable(pcb); /* migration's small control messages go out at once */
	s->peer_ip = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip)));
	s->peer_port = pcb->remote_port;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_stream *l = arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (l->queued == NET_STREAM_BACKLOG)
		return ERR_MEM; /* lwIP resets the new connection */
	struct net_stream *s = stream_new(pcb, NET_STREAM_OPEN);
	if (!s)
		return ERR_MEM;
	stream_attach(s, pcb);
	l->queue[l->queued++] = s;
	return ERR_OK;
}

struct net_stream *net_stream_listen(uint16_t port)
{
	if (!net_present()) {
		log_err("net: cannot listen on port %u: no network\n", port);
		return NULL;
	}
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	struct net_stream *s = stream_new(NULL, NET_STREAM_LISTENING);
	if (!pcb || !s) {
		log_err("net: cannot listen on port %u: out of memory\n", port);
		goto fail;
	}
	ip_set_option(pcb, SOF_REUSEADDR);
	if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
		log_err("net: cannot listen on port %u: it is in use\n", port);
		goto fail;
	}
	struct tcp_pcb *lpcb = tcp_listen_with_backlog(pcb, NET_STREAM_BACKLOG);
	if (!lpcb) {
		log_err("net: cannot listen on port %u: out of memory\n", port);
		goto fail;
	}
	s->pcb = lpcb;
	s->peer_port = port;
	tcp_arg(lpcb, s);
	tcp_accept(lpcb, on_accept);
	return s;
fail:
	if (pcb)
		tcp_abort(pcb);
	kfree(s);
	return NULL;
}

struct net_stream *net_stream_accept(struct net_stream *l)
{
	if (l->state != NET_STREAM_LISTENING || !l->queued)
		return NULL;
	struct net_stream *s = l->queue[0];
	memmove(l->queue, l->queue + 1, (size_t)--l->queued * sizeof(l->queue[0]));
	return s;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_stream *s = arg;
	(void)pcb, (void)err; /* 2.1: always ERR_OK; failures come through on_err */
	s->state = NET_STREAM_OPEN;
	s->last_progress = time_ms();
	return ERR_OK;
}

/* Connects s (CONNECTING, no pcb yet) to ip:port; false with the stream FAILED. */
static bool start_connect(struct net_stream *s, uint32_t ip, uint16_t port)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	if (!pcb) {
		stream_fail(s, "out of memory");
		return false;
	}
	ip_addr_t dst;
	ip_addr_set_ip4_u32(&dst, lwip_htonl(ip));
	s->pcb = pcb;
	stream_attach(s, pcb);
	s->peer_ip = ip, s->peer_port = port;
	s->last_progress = time_ms();
	err_t e = tcp_connect(pcb, &dst, port, on_connected);
	if (e != ERR_OK) {
		stream_drop_pcb(s);
		stream_fail(s, e == ERR_RTE ? "no route" : "out of memory");
		return false;
	}
	return true;
}

/* Streams waiting for lwIP's DNS: its callback gets the slot, and a slot whose stream was closed
 * meanwhile is only freed (lwIP has no way to cancel a query). */
#define NET_LOOKUPS 4
static struct net_stream *lookups[NET_LOOKUPS];
static bool lookup_busy[NET_LOOKUPS];

static void on_resolved(const char *name, const ip_addr_t *addr, void *arg)
{
	size_t slot = (size_t)(uintptr_t)arg;
	struct net_stream *s = lookups[slot];
	(void)name;
	lookups[slot] = NULL;
	lookup_busy[slot] = false;
	if (!s)
		return;
	s->lookup = -1;
	if (!addr || !IP_IS_V4(addr))
		stream_fail(s, "host name not found (not in hosts=, and DNS did not resolve it)");
	else
		start_connect(s, lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr))), s->peer_port);
}

/* Resolves t->name (hosts= first, then DNS) and connects; NULL with *why when it cannot start. */
static struct net_stream *connect_name(const struct net_target *t, const char **why)
{
	int slot = -1;
	for (int i = 0; i < NET_LOOKUPS && slot < 0; i++)
		if (!lookup_busy[i])
			slot = i;
	if (slot < 0) {
		*why = "too many host names being resolved at once";
		return NULL;
	}
	struct net_stream *s = stream_new(NULL, NET_STREAM_CONNECTING);
	if (!s) {
		*why = "out of memory";
		return NULL;
	}
	s->peer_port = t->port;
	ip_addr_t addr;
	switch (dns_gethostbyname(t->name, &addr, on_resolved, (void *)(uintptr_t)slot)) {
	case ERR_OK: /* an address, in hosts= or cached */
		start_connect(s, lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&addr))), t->port);
		return s;
	case ERR_INPROGRESS:
		lookups[slot] = s;
		lookup_busy[slot] = true;
		s->lookup = slot;
		return s;
	case ERR_VAL:
		*why = net_ready() ? "host name not in hosts=, and no DNS server (DHCP gave none)"
				   : "host name not in hosts=, and no DNS server yet (DHCP has not answered)";
		break;
	default:
		*why = "host name cannot be resolved (out of memory or too long)";
		break;
	}
	kfree(s);
	return NULL;
}

struct net_stream *net_stream_connect(const char *host, uint16_t default_port, char *why, size_t cap)
{
	struct net_target t;
	const char *reason;
	if (net_parse_target(host, default_port, &t, &reason) < 0) {
		ksnprintf(why, cap, "%s", reason);
		return NULL;
	}
	if (!net_present()) {
		ksnprintf(why, cap, "no network");
		return NULL;
	}
	if (t.name[0]) {
		struct net_stream *s = connect_name(&t, &reason);
		if (!s)
			ksnprintf(why, cap, "%s", reason);
		return s;
	}
	struct net_stream *s = stream_new(NULL, NET_STREAM_CONNECTING);
	if (!s) {
		ksnprintf(why, cap, "out of memory");
		return NULL;
	}
	if (!start_connect(s, t.ip, t.port)) {
		ksnprintf(why, cap, "%s", s->error);
		kfree(s);
		return NULL;
	}
	return s;
}

enum net_stream_state net_stream_state(struct net_stream *s)
{
	if (s->pcb && s->state != NET_STREAM_FAILED && timed_out(s)) {
		stream_fail(s, "timed out");
		stream_drop_pcb(s);
	}
	return s->state;
}

const char *net_stream_error(const struct net_stream *s) { return s->error; }

void net_stream_set_timeout(struct net_stream *s, uint32_t ms)
{
	s->timeout_ms = ms;
	s->last_progress = time_ms();
}

size_t net_stream_unacked(const struct net_stream *s)
{
	if (!s->pcb || s->state == NET_STREAM_LISTENING)
		return 0;
	return TCP_SND_BUF - tcp_sndbuf(s->pcb);
}

long net_stream_send(struct net_stream *s, const void *buf, size_t len)
{
	enum net_stream_state st = net_stream_state(s);
	if (st == NET_STREAM_FAILED || st == NET_STREAM_LISTENING || !s->pcb)
		return NET_STREAM_ERR;
	if (st == NET_STREAM_CONNECTING || !len)
		return NET_STREAM_AGAIN;
	size_t n = tcp_sndbuf(s->pcb);
	if (n > len)
		n = len;
	if (n > 0xffff)
		n = 0xffff; /* tcp_write takes a u16_t length */
	if (!n || tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN - 2) {
		tcp_output(s->pcb);
		return NET_STREAM_AGAIN;
	}
	if (!net_stream_unacked(s))
		s->last_progress = time_ms(); /* an idle stream starts waiting for acknowledgements now */
	err_t e = tcp_write(s->pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY);
	if (e == ERR_MEM) {
		tcp_output(s->pcb);
		return NET_STREAM_AGAIN;
	}
	if (e != ERR_OK) {
		stream_fail(s, "cannot send: the connection is closing");
		return NET_STREAM_ERR;
	}
	tcp_output(s->pcb);
	return (long)n;
}

long net_stream_recv(struct net_stream *s, void *buf, size_t len)
{
	if (s->rx && len) {
		u16_t n = (u16_t)(len < s->rx->tot_len ? len : s->rx->tot_len);
		pbuf_copy_partial(s->rx, buf, n, 0);
		s->rx = pbuf_free_header(s->rx, n);
		if (s->pcb)
			tcp_recved(s->pcb, n);
		return n;
	}
	switch (net_stream_state(s)) {
	case NET_STREAM_PEER_CLOSED:
		return NET_STREAM_EOF;
	case NET_STREAM_FAILED:
	case NET_STREAM_LISTENING:
		return NET_STREAM_ERR;
	default:
		return NET_STREAM_AGAIN;
	}
}

/* A stream closed while its name is resolved leaves its slot to lwIP's callback. */
static void forget_lookup(struct net_stream *s)
{
	if (s->lookup >= 0)
		lookups[s->lookup] = NULL;
	s->lookup = -1;
}

void net_stream_close(struct net_stream *s)
{
	if (!s)
		return;
	forget_lookup(s);
	if (s->state == NET_STREAM_LISTENING) {
		while (s->queued)
			net_stream_abort(s->queue[--s->queued]);
		if (s->pcb)
			tcp_close(s->pcb); /* a listening pcb always closes */
	} else if (s->pcb) {
		/* Detached, lwIP delivers what is queued, sends FIN, and discards what still arrives. */
		tcp_arg(s->pcb, NULL);
		tcp_recv(s->pcb, NULL);
		tcp_sent(s->pcb, NULL);
		tcp_err(s->pcb, NULL);
		tcp_poll(s->pcb, NULL, 0);
		if (s->rx)
			tcp_recved(s->pcb, s->rx->tot_len); /* read or not, it is consumed: no RST for it */
		if (tcp_close(s->pcb) != ERR_OK)
			tcp_abort(s->pcb);
	}
	if (s->rx)
		pbuf_free(s->rx);
	kfree(s);
}

void net_stream_abort(struct net_stream *s)
{
	if (!s)
		return;
	if (s->state == NET_STREAM_LISTENING) {
		net_stream_close(s);
		return;
	}
	forget_lookup(s);
	stream_drop_pcb(s);
	if (s->rx)
		pbuf_free(s->rx);
	kfree(s);
}

char *net_stream_peer(const struct net_stream *s, char *buf, size_t size)
{
	char ip[16];
	ksnprintf(buf, size, "%s:%u", net_format_ip(s->peer_ip, ip), s->peer_port);
	return buf;
}
