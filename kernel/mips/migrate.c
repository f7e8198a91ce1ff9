/* migrate.c: Tally's side of live migration: the listener on migrate_port, outgoing transfers
 * started by MIGRATE or the shell, incoming ones, each a mips/ state machine over a net_stream. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/mips/migrate.h"
#include "kernel/mips/mipsvms.h"
#include "kernel/net/net.h"
#include "kernel/net/net_stream.h"
#include "kernel/options.h"
#include "mips/mips.h"

#define MAX_TRANSFERS 8
#define DRAIN_MS 2000 /* after a refusal: read and drop until the sender hangs up, so the NAK is not reset away */
#define PEER_MAX 24
#define MIGRATE_MEM_MAX (2ull << 30) /* the engine's limits are 32-bit byte counts */
#define DEFAULT_TIMEOUT_MS 10000 /* nothing moved for this long: the transfer has failed */

struct transfer {
	bool used;
	struct net_stream *s;
	struct mips_mig_out *out; /* one of out and in */
	struct mips_mig_in *in;
	struct mips_mig_io io;
	char peer[PEER_MAX];
	uint64_t drain_until; /* refused incoming stream being drained, or 0 */
};

static struct transfer transfers[MAX_TRANSFERS];
static struct net_stream *listener;
static const struct mips_port *vm_port;
static struct mips_mig_config config;
static uint64_t timeout_ms = DEFAULT_TIMEOUT_MS;

static long io_send(void *ctx, const void *buf, size_t len)
{
	return net_stream_send(ctx, buf, len); /* NET_STREAM_AGAIN and _ERR are MIPS_IO_AGAIN and _ERR */
}

static long io_recv(void *ctx, void *buf, size_t len)
{
	return net_stream_recv(ctx, buf, len); /* the same for _EOF */
}

static size_t io_pending(void *ctx)
{
	return net_stream_unacked(ctx);
}

static const char *io_error(void *ctx)
{
	const char *e = net_stream_error(ctx);
	return e[0] ? e : "the connection closed";
}

/* 16 bytes no one can guess twice: RDRAND where the CPU has it, mixed with the TSC either way. */
static void make_nonce(uint8_t out[MIPS_MIG_NONCE_SIZE])
{
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
}

static struct transfer *new_transfer(struct net_stream *s)
{
	for (int i = 0; i < MAX_TRANSFERS; i++)
		if (!transfers[i].used) {
			struct transfer *t = &transfers[i];
			memset(t, 0, sizeof(*t));
			t->used = true;
			t->s = s;
			net_stream_set_timeout(s, (uint32_t)timeout_ms);
			t->io = (struct mips_mig_io){ s, io_send, io_recv, io_error, io_pending };
			return t;
		}
	return NULL;
}

static void end_transfer(struct transfer *t, bool graceful)
{
	mips_mig_out_free(t->out);
	mips_mig_in_free(t->in);
	if (graceful)
		net_stream_close(t->s);
	else
		net_stream_abort(t->s);
	t->used = false;
}

void migrate_init(const struct mips_port *port)
{
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
	config.key = key;
	config.keylen = key ? strlen(key) : 0;
	uint64_t mem = option_get_u64("migrate_mem", MIPS_DEFAULT_MEM_LIMIT);
	if (mem < MIPS_PAGE_SIZE || mem > MIGRATE_MEM_MAX) {
		kprintf("migrate: migrate_mem=%llu is outside 4K..2G; using %uM\n", (unsigned long long)mem,
			MIPS_DEFAULT_MEM_LIMIT >> 20);
		mem = MIPS_DEFAULT_MEM_LIMIT;
	}
	config.mem_limit = (uint32_t)mem;
	timeout_ms = option_get_u64("migrate_timeout", DEFAULT_TIMEOUT_MS);
	if (!timeout_ms || timeout_ms > 3600000) {
		kprintf("migrate: migrate_timeout=%llu ms is outside 1..3600000; using %u\n", (unsigned long long)timeout_ms,
			DEFAULT_TIMEOUT_MS);
		timeout_ms = DEFAULT_TIMEOUT_MS;
	}
	config.timeout_ns = timeout_ms * 1000000;
	vm_port = port; /* migration is on: outgoing from here, incoming if the port is good */
	uint64_t port_no = option_get_u64("migrate_port", MIPS_MIG_DEFAULT_PORT);
	if (!port_no || port_no > 65535) {
		kprintf("migrate: migrate_port=%llu is not a TCP port; not listening\n", (unsigned long long)port_no);
		return;
	}
	if (!(listener = net_stream_listen((uint16_t)port_no)))
		return;
	kprintf("migrate: listening on port %llu (%s, at most %u KiB per VM)\n", (unsigned long long)port_no,
		key ? "migrate_key required" : "no key", config.mem_limit >> 10);
}

void migrate_start(struct mips_vm *vm, const char *target)
{
	const char *name = mips_vm_name(vm);
	console_begin_line();
	if (!vm_port) {
		kprintf("migrate: '%s' to %s: migration is off here (%s); '%s' continues here\n", name, target,
			net_present() ? "see the migrate: line at boot" : "no network", name);
		return;
	}
	if (migrate_sending(vm)) {
		kprintf("migrate: '%s' to %s: already migrating; this request is ignored\n", name, target);
		return;
	}
	struct net_stream *s = net_stream_connect(target, MIPS_MIG_DEFAULT_PORT);
	if (!s) {
		kprintf("migrate: '%s' to %s: cannot connect; '%s' continues here\n", name, target, name);
		return;
	}
	struct transfer *t = new_transfer(s);
	if (t)
		t->out = mips_mig_out_start(vm, &config, &t->io);
	if (!t || !t->out) {
		kprintf("migrate: '%s' to %s: %s; '%s' continues here\n", name, target,
			t ? "out of memory" : "too many transfers in flight", name);
		if (t)
			end_transfer(t, false);
		else
			net_stream_abort(s);
		return;
	}
	strlcpy(t->peer, target, sizeof(t->peer));
	kprintf("migrate: '%s' to %s: started, %zu pages; it runs on while they go\n", name, target,
		mips_vm_page_count(vm));
}

static void accept_incoming(void)
{
	struct net_stream *s;
	while (listener && (s = net_stream_accept(listener))) {
		char peer[PEER_MAX];
		net_stream_peer(s, peer, sizeof(peer));
		struct transfer *t = new_transfer(s);
		if (t) {
			make_nonce(config.nonce);
			t->in = mips_mig_in_start(vm_port, &config, &t->io);
		}
		if (!t || !t->in) {
			kprintf("migrate: from %s: refused: %s\n", peer, t ? "out of memory" : "too many transfers in flight");
			if (t)
				end_transfer(t, false);
			else
				net_stream_abort(s);
			continue;
		}
		strlcpy(t->peer, peer, sizeof(t->peer));
		console_begin_line();
		kprintf("migrate: incoming from %s\n", peer);
	}
}

static void pump_out(struct transfer *t)
{
	enum mips_mig_status st = mips_mig_out_pump(t->out);
	if (st == MIPS_MIG_ACTIVE)
		return;
	char line[MIPS_MSG_MAX];
	mips_mig_out_outcome(t->out, t->peer, line, sizeof(line));
	console_begin_line();
	kprintf("migrate: %s\n", line);
	end_transfer(t, st == MIPS_MIG_DONE);
}

static void pump_in(struct transfer *t)
{
	if (t->drain_until) {
		char sink[512];
		long n;
		while ((n = net_stream_recv(t->s, sink, sizeof(sink))) > 0)
			;
		if (n != NET_STREAM_AGAIN || time_ms() >= t->drain_until)
			end_transfer(t, true);
		return;
	}
	enum mips_mig_status st = mips_mig_in_pump(t->in);
	if (st == MIPS_MIG_ACTIVE)
		return;
	char line[MIPS_MSG_MAX];
	mips_mig_in_outcome(t->in, t->peer, line, sizeof(line));
	console_begin_line();
	kprintf("migrate: %s\n", line);
	if (st == MIPS_MIG_FAILED) {
		mips_mig_in_free(t->in);
		t->in = NULL;
		t->drain_until = time_ms() + DRAIN_MS;
		return;
	}
	mipsvms_adopt(mips_mig_in_take(t->in), t->peer);
	end_transfer(t, true);
}

void migrate_poll(void)
{
	accept_incoming();
	for (int i = 0; i < MAX_TRANSFERS; i++) {
		struct transfer *t = &transfers[i];
		if (t->used && t->out)
			pump_out(t);
		else if (t->used)
			pump_in(t);
	}
}

bool migrate_sending(const struct mips_vm *vm)
{
	for (int i = 0; i < MAX_TRANSFERS; i++)
		if (transfers[i].used && transfers[i].out && mips_mig_out_vm(transfers[i].out) == vm)
			return true;
	return false;
}

size_t migrate_active(void)
{
	size_t n = 0;
	for (int i = 0; i < MAX_TRANSFERS; i++)
		n += transfers[i].used;
	return n;
}

void migrate_cancel(const struct mips_vm *vm)
{
	for (int i = 0; i < MAX_TRANSFERS; i++) {
		struct transfer *t = &transfers[i];
		if (t->used && t->out && mips_mig_out_vm(t->out) == vm) {
			kprintf("migrate: '%s' to %s: called off\n", mips_vm_name(vm), t->peer);
			end_transfer(t, false);
		}
	}
}
