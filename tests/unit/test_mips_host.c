/* test_mips_host.c: the portable MIPS host: a table past the old 16/64 limits, names of ended VMs
 * reused, lines prefixed across interleaved partial writes, adopt-and-rename, and a migration that
 * arrives while many VMs are live is run, never dropped. Two hosts talk over in-memory streams. */
#define _GNU_SOURCE	/* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mips/host.h"
#include "tests/check.h"

#define OUT_MAX (1 << 20)

/* ---- a platform: captured output, a real clock, in-memory streams ---- */

struct plat {
	char out[OUT_MAX];
	size_t nout;
	struct mips_port base;
	struct mips_host *h;
	struct end *incoming[8];	/* connected, not yet accepted */
	int nincoming;
};

struct pipe {
	uint8_t *buf;
	size_t len, off, cap;
	bool closed;
};

struct link {
	struct pipe ab, ba;
	int refs;
};

struct end {
	struct link *l;
	struct pipe *tx, *rx;
};

static struct plat *plats[2];	/* "A" and "B" */

static long long live_bytes;	/* what the hosts hold through their ports, for the kill test */

static void *p_alloc(void *ud, void *p, size_t o, size_t n)
{
	(void)ud;
	if (!n) {
		live_bytes -= p ? (long long)o : 0;
		free(p);
		return NULL;
	}
	void *q = realloc(p, n);
	if (q)
		live_bytes += (long long)n - (p ? (long long)o : 0);
	return q;
}

static void p_write(void *ud, struct mips_vm *vm, enum mips_stream s, const char *b, size_t n)
{
	struct plat *p = ud;
	(void)vm, (void)s;
	if (p->nout + n >= OUT_MAX)
		n = OUT_MAX - 1 - p->nout;
	memcpy(p->out + p->nout, b, n);
	p->nout += n;
	p->out[p->nout] = 0;
}

static long p_input(void *ud, struct mips_vm *vm, char *buf, size_t cap)
{
	(void)ud, (void)vm, (void)buf, (void)cap;
	return MIPS_INPUT_EOF;
}

static uint64_t p_clock(void *ud)
{
	struct timespec ts;
	(void)ud;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int p_swrite(void *ud, const char *name, const void *buf, size_t len)
{
	(void)ud, (void)name, (void)buf, (void)len;
	return -1;
}

static long p_sread(void *ud, const char *name, void *buf, size_t cap)
{
	(void)ud, (void)name, (void)buf, (void)cap;
	return -1;
}

static void *s_connect(void *ud, const char *target, char *why, size_t cap)
{
	(void)ud;
	struct plat *to = !strcmp(target, "A") ? plats[0] : !strcmp(target, "B") ? plats[1] : NULL;
	if (!to || to->nincoming == 8) {
		snprintf(why, cap, "cannot connect");
		return NULL;
	}
	struct link *l = calloc(1, sizeof *l);
	struct end *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	l->refs = 2;
	*a = (struct end){ l, &l->ab, &l->ba };
	*b = (struct end){ l, &l->ba, &l->ab };
	to->incoming[to->nincoming++] = b;
	return a;
}

static void *s_accept(void *ud, char *peer, size_t cap)
{
	struct plat *p = ud;
	if (!p->nincoming)
		return NULL;
	snprintf(peer, cap, "%s:1", p == plats[0] ? "B" : "A");
	struct end *e = p->incoming[0];
	memmove(p->incoming, p->incoming + 1, --p->nincoming * sizeof *p->incoming);
	return e;
}

static bool s_nonce(void *ud, uint8_t out[MIPS_MIG_NONCE_SIZE], char *why, size_t cap)
{
	(void)ud, (void)why, (void)cap;
	for (int i = 0; i < MIPS_MIG_NONCE_SIZE; i++)
		out[i] = (uint8_t)rand();
	return true;
}

static long s_send(void *s, const void *buf, size_t len)
{
	struct end *e = s;
	if (e->rx->closed)
		return MIPS_IO_ERR;
	if (e->tx->len + len > e->tx->cap) {	/* doubling: a 4 MiB VM must not cost a copy per page */
		e->tx->cap = (e->tx->len + len) * 2;
		e->tx->buf = realloc(e->tx->buf, e->tx->cap);
	}
	memcpy(e->tx->buf + e->tx->len, buf, len);
	e->tx->len += len;
	return (long)len;
}

static long s_recv(void *s, void *buf, size_t len)
{
	struct pipe *r = ((struct end *)s)->rx;
	size_t n = r->len - r->off < len ? r->len - r->off : len;
	if (!n)
		return r->closed ? MIPS_IO_EOF : MIPS_IO_AGAIN;
	memcpy(buf, r->buf + r->off, n);
	r->off += n;
	return (long)n;
}

static const char *s_error(void *s)
{
	(void)s;
	return "the connection closed";
}

static void s_close(void *s)
{
	struct end *e = s;
	e->tx->closed = true;
	if (--e->l->refs == 0) {
		free(e->l->ab.buf);
		free(e->l->ba.buf);
		free(e->l);
	}
	free(e);
}

static const struct mips_host_net net = {
	.connect = s_connect, .accept = s_accept, .nonce = s_nonce, .send = s_send, .recv = s_recv,
	.error = s_error, .close = s_close, .abort = s_close,
};

static struct plat *plat_new(enum mips_host_lines lines)
{
	struct plat *p = calloc(1, sizeof *p);
	struct mips_host_config cfg = { .lines = lines, .slice = 1000, .report_ends = true, .resume_slice = true };
	p->base = (struct mips_port){ p, p_alloc, p_write, p_input, p_clock, p_swrite, p_sread, NULL, NULL };
	p->h = mips_host_new(&p->base, &net, &cfg);
	mips_host_set_listening(p->h, true);
	return p;
}

static void plat_free(struct plat *p)
{
	mips_host_free(p->h);
	for (int i = 0; i < p->nincoming; i++)
		s_close(p->incoming[i]);
	free(p);
}

static struct mips_vm *start(struct plat *p, const char *name, const char *src)
{
	struct mips_program prog;
	if (mips_assemble(mips_host_port(p->h), name, src, strlen(src), &prog))
		return NULL;
	struct mips_vm *vm = mips_host_new_vm(p->h, name, 0, 0);
	if (vm && !mips_vm_load(vm, &prog))
		mips_host_drop(p->h, vm), vm = NULL;
	mips_program_free(mips_host_port(p->h), &prog);
	return vm;
}

static const char *spin = "main:\tli $t0, 0\nloop:\taddiu $t0, $t0, 1\n\tblt $t0, 300000, loop\n\tli $v0, 10\n\tsyscall\n";
static const char *quick = "main:\tli $v0, 10\n\tsyscall\n";

/* ---- the tests ---- */

static void test_growth_and_names(void)
{
	struct plat *p = plat_new(MIPS_HOST_BRACKETS);
	char name[32];
	bool all = true;

	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "v%d", i);
		all = all && start(p, name, spin);
	}
	CHECK(all && mips_host_count(p->h) == 100 && mips_host_live_count(p->h) == 100,
	      "100 VMs in one table (past the old 16 and 64): %zu live", mips_host_live_count(p->h));
	CHECK(mips_host_round(p->h) == 100, "one round runs them all");
	CHECK(!mips_host_name_free(p->h, "mips", "v7") &&
	      strstr(p->out, "mips: cannot start 'v7': a VM with that name exists\n"), "a live VM keeps its name");

	struct mips_vm *c = start(p, "count", quick);
	while (mips_host_round(p->h) > 100)
		;
	CHECK(c && mips_vm_state(c) == MIPS_VM_EXITED && strstr(p->out, "mips: 'count' exited after 2 instructions\n"),
	      "the short VM ends and its end is reported");
	size_t n = mips_host_count(p->h);
	CHECK(mips_host_name_free(p->h, "mips", "count") && start(p, "count", quick) && mips_host_count(p->h) == n,
	      "run count.s twice: the ended VM's record goes, the new one takes the name");
	mips_host_kill(p->h, "v3");
	CHECK(strstr(p->out, "kill: 'v3' stopped after ") &&
	      !strcmp(mips_host_state_name(p->h, mips_host_find(p->h, "v3")), "killed"), "kill stops one VM by name");
	plat_free(p);
}

static void test_lines(void)
{
	struct plat *p = plat_new(MIPS_HOST_BRACKETS);
	struct mips_vm *a = start(p, "a", spin), *b = start(p, "b", spin);
	const struct mips_port *port = mips_host_port(p->h);

	p->nout = 0;
	port->write(port->ud, a, MIPS_STREAM_OUT, "he", 2);
	port->write(port->ud, b, MIPS_STREAM_OUT, "wo", 2);
	port->write(port->ud, a, MIPS_STREAM_OUT, "llo\nnext", 8);
	port->write(port->ud, b, MIPS_STREAM_DIAG, "rld\n", 4);
	CHECK(!strcmp(p->out, "[a] hello\n[b] world\n"), "[name] lines stay whole across interleaved writes: %s", p->out);
	mips_host_end_line(p->h, a);
	CHECK(strstr(p->out, "[a] next\n") != NULL, "an unfinished line is ended before a message about its VM");
	port->write(port->ud, NULL, MIPS_STREAM_DIAG, "x.s:1:1: error\n", 15);
	CHECK(strstr(p->out, "\nx.s:1:1: error\n") != NULL, "diagnostics of no VM pass as they are");
	plat_free(p);

	p = plat_new(MIPS_HOST_NAME_COLON);
	a = start(p, "a", spin);
	port = mips_host_port(p->h);
	p->nout = 0;
	port->write(port->ud, a, MIPS_STREAM_OUT, "one\ntw", 6);
	port->write(port->ud, a, MIPS_STREAM_OUT, "o\n", 2);
	CHECK(!strcmp(p->out, "a: one\na: two\n"), "name: at each line start, as mipsvm prints: %s", p->out);
	plat_free(p);
}

/* Pumps both hosts until no transfer is left (or a bound). */
static void run_pair(struct plat *a, struct plat *b)
{
	for (int i = 0; i < 200000; i++) {
		mips_host_round(a->h);
		mips_host_mig_poll(a->h, true);
		mips_host_round(b->h);
		mips_host_mig_poll(b->h, true);
		if (!mips_host_transfers(a->h) && !mips_host_transfers(b->h) && !a->nincoming && !b->nincoming)
			return;
	}
}

static void test_migration_to_a_full_host(void)
{
	plats[0] = plat_new(MIPS_HOST_BRACKETS);
	plats[1] = plat_new(MIPS_HOST_BRACKETS);
	char name[32];

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "w%d", i);
		start(plats[1], name, spin);
	}
	start(plats[1], "fib", spin);
	start(plats[1], "fib-2", spin);
	start(plats[0], "fib", spin);
	mips_host_migrate(plats[0]->h, "fib", "B");
	CHECK(strstr(plats[0]->out, "migrate: 'fib' to B: started, ") != NULL, "the transfer starts");
	run_pair(plats[0], plats[1]);
	CHECK(strstr(plats[0]->out, "migrate: 'fib' moved to B: ") != NULL, "the sender is acknowledged: %s",
	      plats[0]->out);
	CHECK(strstr(plats[1]->out, "mips: resumed 'fib-3' (from A:1) at pc 0x") != NULL,
	      "with 42 VMs live it is run, renamed past the live fib and fib-2: %s", plats[1]->out);
	CHECK(mips_host_live_count(plats[1]->h) == 43 && !strstr(plats[1]->out, "not resumed"), "nothing dropped");
	mips_host_migrate(plats[0]->h, "nothere", "B");
	CHECK(strstr(plats[0]->out, "no MIPS VM named 'nothere' (try 'vms')\n") != NULL, "an unknown name is said");
	plat_free(plats[0]);
	plat_free(plats[1]);
}

/* Two VMs touch 64 MiB each; kill gives every page back at once (issue 20, point 4). */
static void test_kill_frees(void)
{
	static const char *toucher = "main:\tli $a0, 66900000\n\tli $v0, 9\n\tsyscall\n\tmove $t0, $v0\n"
				     "\taddu $t1, $t0, $a0\nloop:\tsw $zero, 0($t0)\n\taddiu $t0, $t0, 4096\n"
				     "\tbltu $t0, $t1, loop\nspin:\tb spin\n";
	struct plat *p = plat_new(MIPS_HOST_BRACKETS);
	long long base = live_bytes;
	struct mips_vm *a = start(p, "big1", toucher), *b = start(p, "big2", toucher);

	for (int i = 0; i < 200; i++)
		mips_host_round(p->h);
	long long held = live_bytes - base;
	CHECK(a && b && mips_vm_page_count(a) > 16000 && mips_vm_page_count(b) > 16000 && held > (120ll << 20),
	      "two VMs touched 64 MiB each: %lld MiB held", held >> 20);
	mips_host_kill(p->h, "big1");
	mips_host_kill(p->h, "big2");
	held = live_bytes - base;
	CHECK(held < (1 << 20) && mips_vm_page_count(a) == 0,
	      "after kill their memory is back: %lld KiB still held (records and names only)", held >> 10);
	p->nout = 0;
	mips_host_list(p->h);
	CHECK(strstr(p->out, "big1             killed") && strstr(p->out, " 0 pages"), "vms shows them killed, 0 pages: %s",
	      p->out);
	mips_host_dump(p->h, "big1");
	CHECK(strstr(p->out, "big1") != NULL, "a killed VM's registers can still be dumped");
	plat_free(p);
}

/* Pumps B alone for ms milliseconds. */
static void pump_for(struct plat *p, int ms)
{
	uint64_t end = p_clock(NULL) + (uint64_t)ms * 1000000;
	while (p_clock(NULL) < end) {
		mips_host_round(p->h);
		mips_host_mig_poll(p->h, true);
	}
}

static bool got(struct end *e, const char *text)
{
	struct pipe *r = e->rx;
	return r->len && memmem(r->buf, r->len, text, strlen(text)) != NULL;
}

/* Issue 20, point 3: senders that never authenticate cannot lock a real one out; they are evicted
 * and timed out, a full receiver says "busy", and the memory cap refuses by the header. */
static void test_slow_senders(void)
{
	char why[64];
	plats[0] = plat_new(MIPS_HOST_BRACKETS);
	plats[1] = plat_new(MIPS_HOST_BRACKETS);
	struct mips_host_config *cb = mips_host_config(plats[1]->h);
	cb->in_max = 2;
	cb->header_ns = 1000000000;
	cb->drain_ns = 1000000;
	mips_host_config(plats[0]->h)->mig.timeout_ns = cb->mig.timeout_ns = 120000000000ull;	/* a loaded machine */

	struct end *slow1 = s_connect(NULL, "B", why, sizeof why), *slow2 = s_connect(NULL, "B", why, sizeof why);
	pump_for(plats[1], 5);
	CHECK(mips_host_transfers(plats[1]->h) == 2, "two silent senders take both slots");
	start(plats[0], "fib", spin);
	mips_host_migrate(plats[0]->h, "fib", "B");
	run_pair(plats[0], plats[1]);
	CHECK(strstr(plats[0]->out, "migrate: 'fib' moved to B: ") != NULL,
	      "a real sender still gets in: %s", plats[0]->out);
	CHECK(strstr(plats[1]->out, "migrate: from A:1: refused: evicted for a newer sender: not authenticated after ") &&
	      got(slow1, "NAK ") && got(slow1, "evicted"),
	      "the oldest silent one is evicted, told why: %s", plats[1]->out);
	pump_for(plats[1], 1100);
	CHECK(strstr(plats[1]->out, "refused: not authenticated within 1000 ms; what arrived is discarded") && got(slow2, "within 1000 ms"),
	      "the other is refused when its header is late");
	s_close(slow1);
	s_close(slow2);

	/* Full of authenticated transfers: a VM of 4000 pages is slow to arrive at 1 page per pump. */
	cb->in_max = 1;
	cb->recv_budget = 4200;
	cb->header_ns = 120000000000ull;
	static const char *big = "main:\tli $a0, 4000000\n\tli $v0, 9\n\tsyscall\n\tmove $t0, $v0\n"
				 "\taddu $t1, $t0, $a0\nloop:\tsw $zero, 0($t0)\n\taddiu $t0, $t0, 4096\n"
				 "\tbltu $t0, $t1, loop\nspin:\tb spin\n";
	struct mips_vm *bv = start(plats[0], "big", big);
	for (int i = 0; i < 100; i++)
		mips_host_round(plats[0]->h);
	mips_host_migrate(plats[0]->h, "big", "B");
	for (int i = 0; i < 20; i++) {
		mips_host_mig_poll(plats[0]->h, true);
		mips_host_mig_poll(plats[1]->h, true);
	}
	struct end *late = s_connect(NULL, "B", why, sizeof why);
	for (int i = 0; i < 4; i++)
		mips_host_mig_poll(plats[1]->h, true);
	CHECK(bv && got(late, "TALLYMIG") && got(late, "NAK ") && got(late, "busy: 1 transfers in progress"),
	      "a sender arriving while every slot is authenticated is answered NAK busy, not a silent close: %s", plats[1]->out);
	CHECK(strstr(plats[1]->out, "refused: busy: 1 transfers in progress, the most at once here; try again later\n") != NULL,
	      "  ... and the receiver says so");
	s_close(late);
	run_pair(plats[0], plats[1]);
	CHECK(strstr(plats[0]->out, "migrate: 'big' moved to B: ") != NULL, "the authenticated transfer finishes: %s", plats[0]->out);

	/* The memory cap over received VMs: 'fib' (ended, its pages kept) and 'big' hold their 64 MiB
	 * limits; with 129 MiB allowed the next one gets a 1 MiB limit and is refused by its header. */
	cb->in_max = 8;
	cb->in_mem_total = 129u << 20;
	start(plats[0], "big2", big);
	for (int i = 0; i < 100; i++)
		mips_host_round(plats[0]->h);
	mips_host_migrate(plats[0]->h, "big2", "B");
	run_pair(plats[0], plats[1]);
	CHECK(strstr(plats[0]->out, "migrate: 'big2' to B failed: the VM has 3912 KiB of memory; the destination accepts 1024 KiB"), "past the total cap the VM is refused before it takes memory: %s",
	      strstr(plats[0]->out, "'big2' to B") ? strstr(plats[0]->out, "'big2' to B") : plats[0]->out);
	cb->in_mem_total = 128u << 20;
	mips_host_migrate(plats[0]->h, "big2", "B");
	run_pair(plats[0], plats[1]);
	CHECK(strstr(plats[0]->out, "migrate: 'big2' to B failed: the destination refused the VM: refused: busy: the VMs received here hold all 131072 KiB allowed to them"),
	      "with nothing left the sender is told busy, by a NAK");
	plat_free(plats[0]);
	plat_free(plats[1]);
}

int main(void)
{
	test_kill_frees();
	test_slow_senders();
	test_growth_and_names();
	test_lines();
	test_migration_to_a_full_host();
	return check_summary();
}
