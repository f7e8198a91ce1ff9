/* migrate.c: Tally's transport for live migration: the listener on migrate_port, net_stream as the
 * portable host's byte stream (mips/host_mig.c drives the transfers), and the options. */
#include <string.h>

#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/mips/migrate.h"
#include "kernel/mips/mipsvms.h"
#include "kernel/net/net.h"
#include "kernel/net/net_stream.h"
#include "kernel/options.h"
#include "mips/host.h"

#define MIGRATE_MEM_MAX (2ull << 30) /* the engine's limits are 32-bit byte counts */
#define DEFAULT_TIMEOUT_MS 10000 /* nothing moved for this long: the transfer has failed */
#define DEFAULT_HEADER_MS 5000 /* an incoming sender is authenticated by then or refused */
#define DEFAULT_TOTAL_MS 600000 /* an incoming transfer has ended by then or is refused */
#define TIMEOUT_MAX_MS 3600000

/* The stream's answers are the engine's transport answers, value for value. */
_Static_assert(NET_STREAM_AGAIN == MIPS_IO_AGAIN, "NET_STREAM_AGAIN is MIPS_IO_AGAIN");
_Static_assert(NET_STREAM_EOF == MIPS_IO_EOF, "NET_STREAM_EOF is MIPS_IO_EOF");
_Static_assert(NET_STREAM_ERR == MIPS_IO_ERR, "NET_STREAM_ERR is MIPS_IO_ERR");

static struct net_stream *listener;
static bool enabled; /* migrate_init found the network and good options */

static long io_send(void *s, const void *buf, size_t len) { return net_stream_send(s, buf, len); }
static long io_recv(void *s, void *buf, size_t len) { return net_stream_recv(s, buf, len); }
static size_t io_pending(void *s) { return net_stream_unacked(s); }
static void io_close(void *s) { net_stream_close(s); }
static void io_abort(void *s) { net_stream_abort(s); }

static const char *io_error(void *s)
{
	const char *e = net_stream_error(s);
	return e[0] ? e : "the connection closed";
}

/* The engine's timeout_ns (migrate_timeout) is the transfer's one watchdog: the stream's is off. */
static void *own_stream(struct net_stream *s)
{
	if (s)
		net_stream_set_timeout(s, 0);
	return s;
}

static void *io_connect(void *ud, const char *target, char *why, size_t cap)
{
	(void)ud;
	if (!enabled) {
		ksnprintf(why, cap, "migration is off here (%s)",
			  net_present() ? "see the migrate: line at boot" : "no network");
		return NULL;
	}
	return own_stream(net_stream_connect(target, MIPS_MIG_DEFAULT_PORT, why, cap));
}

static void *io_accept(void *ud, char *peer, size_t cap)
{
	(void)ud;
	struct net_stream *s = listener ? net_stream_accept(listener) : NULL;
	if (s)
		net_stream_peer(s, peer, cap);
	return own_stream(s);
}

/* 16 bytes no one can guess twice: RDRAND where the CPU has it, mixed with the TSC either way. */
static bool make_nonce(void *ud, uint8_t out[MIPS_MIG_NONCE_SIZE], char *why, size_t cap)
{
	(void)ud, (void)why, (void)cap;
	struct cpuid_regs r;
	cpuid(1, 0, &r);
	bool have_rdrand = r.ecx & (1u << 30);
	static uint64_t counter;
	for (int i = 0; i < MIPS_MIG_NONCE_SIZE; i += 8) {
		uint64_t v = rdtsc() + ++counter * 0x9e3779b97f4a7c15ull, hw = 0;
		unsigned char ok = 0;
		for (int tries = 0; have_rdrand && !ok && tries < 10; tries++)
			__asm__ volatile("rdrand %0; setc %1" : "=r"(hw), "=qm"(ok));
		v ^= hw; /* splitmix64's finaliser spreads the TSC's low-order change over all bits */
		v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
		v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
		v ^= v >> 31;
		memcpy(out + i, &v, 8);
	}
	return true;
}

static const struct mips_host_net net = {
	.connect = io_connect,
	.accept = io_accept,
	.nonce = make_nonce,
	.send = io_send,
	.recv = io_recv,
	.error = io_error,
	.pending = io_pending,
	.close = io_close,
	.abort = io_abort,
};

const struct mips_host_net *migrate_net(void)
{
	return &net;
}

/* A millisecond option in 1..TIMEOUT_MAX_MS, in ns; out of range, the default (and a line saying so). */
static uint64_t option_ms(const char *key, uint64_t def_ms)
{
	uint64_t ms = option_get_u64(key, def_ms);
	if (!ms || ms > TIMEOUT_MAX_MS) {
		kprintf("migrate: %s=%llu ms is outside 1..%u; using %llu\n", key, (unsigned long long)ms, TIMEOUT_MAX_MS,
			(unsigned long long)def_ms);
		ms = def_ms;
	}
	return ms * 1000000;
}

void migrate_init(void)
{
	struct mips_host_config *host_cfg = mips_host_config(mipsvms_host());
	struct mips_mig_config *config = &host_cfg->mig;
	if (!net_present())
		return;
	const char *key = option_get("migrate_key");
	if (key && strlen(key) > MIPS_MIG_KEY_MAX) {
		kprintf("migrate: migrate_key is longer than %d bytes; migration is off\n", MIPS_MIG_KEY_MAX);
		return;
	}
	if (key && !key[0]) {
		kprintf("migrate: migrate_key is empty; migration is off\n");
		return;
	}
	config->key = key;
	config->keylen = key ? strlen(key) : 0;
	uint64_t mem = option_get_u64("migrate_mem", MIPS_DEFAULT_MEM_LIMIT);
	if (mem < MIPS_PAGE_SIZE || mem > MIGRATE_MEM_MAX) {
		kprintf("migrate: migrate_mem=%llu is outside 4K..2G; using %uM\n", (unsigned long long)mem,
			MIPS_DEFAULT_MEM_LIMIT >> 20);
		mem = MIPS_DEFAULT_MEM_LIMIT;
	}
	config->mem_limit = (uint32_t)mem;
	config->limit_name = "migrate_mem=";
	config->host_name = "Tally";
	config->timeout_ns = option_ms("migrate_timeout", DEFAULT_TIMEOUT_MS);
	host_cfg->header_ns = option_ms("migrate_header_timeout", DEFAULT_HEADER_MS);
	host_cfg->total_ns = option_ms("migrate_total_timeout", DEFAULT_TOTAL_MS);
	enabled = true; /* migration is on: outgoing from here, incoming if the port is good */
	uint64_t port_no = option_get_u64("migrate_port", MIPS_MIG_DEFAULT_PORT);
	if (!port_no || port_no > 65535) {
		kprintf("migrate: migrate_port=%llu is not a TCP port; not listening\n", (unsigned long long)port_no);
		return;
	}
	if (!(listener = net_stream_listen((uint16_t)port_no)))
		return;
	kprintf("migrate: listening on port %llu (%s, at most %u KiB per VM)\n", (unsigned long long)port_no,
		key ? "migrate_key required" : "no key", config->mem_limit >> 10);
}

bool migrate_listening(void)
{
	return listener != NULL;
}

void migrate_poll(void)
{
	mips_host_mig_poll(mipsvms_host(), true);
}

size_t migrate_active(void)
{
	return mips_host_transfers(mipsvms_host());
}
