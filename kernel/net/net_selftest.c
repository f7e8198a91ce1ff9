/* net_selftest.c: selftest=ping|tcp-send|tcp-recv: boot-time network checks judged by exact lines.
 * tcp-send streams 1 MiB of a deterministic pattern to peer=a.b.c.d; tcp-recv checks every byte. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "kernel/net/net.h"
#include "kernel/net/net_stream.h"
#include "kernel/options.h"

#define SELFTEST_PORT 7284
#define SELFTEST_BYTES (1u << 20)
#define READY_TIMEOUT_MS 15000
#define CONNECT_TRY_MS 2000
#define CONNECT_TOTAL_MS 40000
#define ACCEPT_TIMEOUT_MS 45000
#define PING_COUNT 3
#define PING_TIMEOUT_MS 2000
#define VERDICT_LEN 5 /* "GOOD\n" or "BAD!\n" */

/* Byte i of the stream: a multiplicative hash, so shifted or repeated data never matches. The
 * host-side sender in tests/boot/net_qemu.sh computes the same. */
static uint8_t pattern(uint32_t i)
{
	uint32_t x = i * 2654435761u;
	x ^= x >> 15;
	return (uint8_t)(x >> 8);
}

static void report_rate(const char *test, uint32_t bytes, uint64_t ms)
{
	kprintf("selftest: %s: %u bytes in %llu ms: %llu KiB/s\n", test, bytes, (unsigned long long)ms,
		(unsigned long long)(ms ? (uint64_t)bytes * 1000 / 1024 / ms : 0));
}

/* Polls until s leaves CONNECTING or try_ms passes. */
static bool wait_connected(struct net_stream *s, uint32_t try_ms)
{
	uint64_t deadline = time_ms() + try_ms;
	while (net_stream_state(s) == NET_STREAM_CONNECTING && time_ms() < deadline)
		net_poll();
	return net_stream_state(s) == NET_STREAM_OPEN;
}

/* Connects, retrying while the peer is still booting. */
static struct net_stream *connect_retrying(const char *peer)
{
	uint64_t deadline = time_ms() + CONNECT_TOTAL_MS;
	const char *last = "";
	while (time_ms() < deadline) {
		char why[96];
		struct net_stream *s = net_stream_connect(peer, SELFTEST_PORT, why, sizeof(why));
		if (!s) {
			log_err("net: cannot connect to %s: %s\n", peer, why);
			return NULL;
		}
		if (wait_connected(s, CONNECT_TRY_MS))
			return s;
		last = net_stream_state(s) == NET_STREAM_FAILED ? net_stream_error(s) : "no answer";
		net_stream_abort(s);
		uint64_t pause = time_ms() + 300;
		while (time_ms() < pause)
			net_poll();
	}
	kprintf("selftest: tcp-send: FAILED: cannot connect to %s (%s)\n", peer, last);
	return NULL;
}

static bool send_pattern(struct net_stream *s)
{
	uint8_t chunk[4096];
	uint32_t sent = 0;
	while (sent < SELFTEST_BYTES) {
		uint32_t n = SELFTEST_BYTES - sent < sizeof(chunk) ? SELFTEST_BYTES - sent : sizeof(chunk);
		for (uint32_t i = 0; i < n; i++)
			chunk[i] = pattern(sent + i);
		uint32_t done = 0;
		while (done < n) {
			long r = net_stream_send(s, chunk + done, n - done);
			if (r < 0) {
				kprintf("selftest: tcp-send: FAILED after %u bytes: %s\n", sent + done, net_stream_error(s));
				return false;
			}
			done += (uint32_t)r;
			if (!r)
				net_poll();
		}
		sent += n;
	}
	return true;
}

/* Reads exactly len bytes (polling), or fails on EOF, error or timeout. */
static bool recv_exact(struct net_stream *s, uint8_t *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		long r = net_stream_recv(s, buf + got, len - got);
		if (r < 0)
			return false;
		got += (size_t)r;
		if (!r)
			net_poll();
	}
	return true;
}

static int ping_and_report(uint32_t ip)
{
	char a[16];
	int replies = net_ping(ip, PING_COUNT, PING_TIMEOUT_MS);
	kprintf("selftest: ping %s: %d of %d replies\n", net_format_ip(ip, a), replies, PING_COUNT);
	return replies;
}

/* Lets lwIP put the last segments and the FIN on the wire before the machine powers off. */
static void linger(uint32_t ms)
{
	uint64_t end = time_ms() + ms;
	while (time_ms() < end)
		net_poll();
}

static void selftest_tcp_send(void)
{
	const char *peer = option_get("peer"), *why;
	char verdict[VERDICT_LEN + 1] = "", where[24];
	uint32_t ip;
	uint16_t port;
	if (!peer || net_parse_host(peer, SELFTEST_PORT, &ip, &port, &why) < 0) {
		kprintf("selftest: tcp-send: FAILED: give peer=a.b.c.d[:port] on the command line\n");
		return;
	}
	struct net_stream *s = connect_retrying(peer);
	if (!s)
		return;
	uint64_t start = time_ms();
	if (!send_pattern(s))
		goto out;
	if (!recv_exact(s, (uint8_t *)verdict, VERDICT_LEN)) {
		kprintf("selftest: tcp-send: FAILED: no verdict from the receiver (%s)\n",
			*net_stream_error(s) ? net_stream_error(s) : "connection closed");
		goto out;
	}
	uint64_t ms = time_ms() - start;
	verdict[VERDICT_LEN - 1] = 0;
	kprintf("selftest: tcp-send: %u bytes to %s, receiver says %s\n", SELFTEST_BYTES,
		net_stream_peer(s, where, sizeof(where)), verdict);
	report_rate("tcp-send", SELFTEST_BYTES, ms);
	ping_and_report(ip); /* the receiver stays up until we close */
out:
	net_stream_close(s);
	linger(300);
}

/* Receives the pattern, checking every byte; returns the count received, *bad the first offset
 * that differs (or UINT32_MAX). */
static uint32_t recv_pattern(struct net_stream *s, uint32_t *bad)
{
	uint8_t chunk[4096];
	uint32_t got = 0;
	*bad = UINT32_MAX;
	while (got < SELFTEST_BYTES) {
		size_t want = SELFTEST_BYTES - got < sizeof(chunk) ? SELFTEST_BYTES - got : sizeof(chunk);
		long r = net_stream_recv(s, chunk, want);
		if (r < 0)
			break;
		if (!r) {
			net_poll();
			continue;
		}
		for (long i = 0; i < r; i++)
			if (chunk[i] != pattern(got + (uint32_t)i) && *bad == UINT32_MAX)
				*bad = got + (uint32_t)i;
		got += (uint32_t)r;
	}
	return got;
}

/* Waits for the sender to close (it pings us first), discarding anything else. */
static void wait_eof(struct net_stream *s, uint32_t ms)
{
	uint8_t sink[256];
	uint64_t deadline = time_ms() + ms;
	while (time_ms() < deadline) {
		long r = net_stream_recv(s, sink, sizeof(sink));
		if (r < 0)
			return;
		if (!r)
			net_poll();
	}
}

static void selftest_tcp_recv(void)
{
	char where[24];
	struct net_stream *l = net_stream_listen(SELFTEST_PORT), *s = NULL;
	if (!l) {
		kprintf("selftest: tcp-recv: FAILED: cannot listen on port %u\n", SELFTEST_PORT);
		return;
	}
	kprintf("selftest: tcp-recv: listening on port %u\n", SELFTEST_PORT);
	uint64_t deadline = time_ms() + ACCEPT_TIMEOUT_MS;
	while (!(s = net_stream_accept(l)) && time_ms() < deadline)
		net_poll();
	net_stream_close(l);
	if (!s) {
		kprintf("selftest: tcp-recv: FAILED: nobody connected within %u ms\n", ACCEPT_TIMEOUT_MS);
		return;
	}
	net_stream_peer(s, where, sizeof(where));
	uint64_t start = time_ms();
	uint32_t bad, got = recv_pattern(s, &bad);
	uint64_t ms = time_ms() - start;
	bool good = got == SELFTEST_BYTES && bad == UINT32_MAX;
	for (long sent = 0; sent < VERDICT_LEN;) {
		long r = net_stream_send(s, (good ? "GOOD\n" : "BAD!\n") + sent, VERDICT_LEN - sent);
		if (r < 0)
			break;
		sent += r;
		net_poll();
	}
	if (got < SELFTEST_BYTES)
		kprintf("selftest: tcp-recv: FAILED: %u of %u bytes from %s, then %s\n", got, SELFTEST_BYTES, where,
			*net_stream_error(s) ? net_stream_error(s) : "end of stream");
	else if (bad != UINT32_MAX)
		kprintf("selftest: tcp-recv: FAILED: %u bytes from %s, byte %u differs\n", got, where, bad);
	else {
		kprintf("selftest: tcp-recv: %u bytes from %s intact\n", got, where);
		report_rate("tcp-recv", got, ms);
	}
	wait_eof(s, 20000);
	net_stream_close(s);
	linger(300);
}

static void selftest_ping(void)
{
	const char *peer = option_get("peer"), *why;
	uint32_t ip;
	uint16_t port;
	if (peer && net_parse_host(peer, 0, &ip, &port, &why) < 0) {
		kprintf("selftest: ping: FAILED: peer=%s: %s\n", peer, why);
		return;
	}
	if (!peer)
		ip = net_gateway();
	if (!ip) {
		kprintf("selftest: ping: FAILED: no gateway and no peer=a.b.c.d to ping\n");
		return;
	}
	ping_and_report(ip);
}

bool net_selftest(const char *name)
{
	void (*run)(void) = !strcmp(name, "ping") ? selftest_ping : !strcmp(name, "tcp-send") ? selftest_tcp_send
			  : !strcmp(name, "tcp-recv") ? selftest_tcp_recv : NULL;
	if (!run)
		return false;
	if (!net_present()) {
		kprintf("selftest: %s: FAILED: no network device\n", name);
		return true;
	}
	if (!net_wait_ready(READY_TIMEOUT_MS)) {
		kprintf("selftest: %s: FAILED: no address within %u ms\n", name, READY_TIMEOUT_MS);
		return true;
	}
	run();
	return true;
}
