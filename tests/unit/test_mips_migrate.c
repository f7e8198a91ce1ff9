/* test_mips_migrate.c: the migration protocol over an in-memory link: pre-copy of a VM that keeps
 * writing memory, keys, and every kind of damage refused with the VM running on at the source. */
#include <stdint.h>

#include "tests/check.h"
#include "tests/mips/testport.h"
#include "tests/mips/mig_stream.h"

/* Writes 24 pages over and over, prints a running sum, ends with a dump: long enough to migrate mid-run. */
static const char *prog_src =
	"\t.data\n"
	"arr:\t.space 98304\n"
	"sp:\t.asciiz \" \"\n"
	"\t.text\n"
	"main:\tli $s0, 0\n"
	"\tli $s2, 0\n"
	"outer:\tla $s1, arr\n"
	"\tli $t2, 0\n"
	"inner:\tlw $t0, 0($s1)\n"
	"\taddu $t0, $t0, $s0\n"
	"\taddu $t0, $t0, $t2\n"
	"\tsw $t0, 0($s1)\n"
	"\taddu $s2, $s2, $t0\n"
	"\taddiu $s1, $s1, 64\n"
	"\taddiu $t2, $t2, 1\n"
	"\tblt $t2, 1536, inner\n"
	"\tmove $a0, $s2\n"
	"\tli $v0, 1\n"
	"\tsyscall\n"
	"\tli $v0, 4\n"
	"\tla $a0, sp\n"
	"\tsyscall\n"
	"\taddiu $s0, $s0, 1\n"
	"\tblt $s0, 60, outer\n"
	"\tDUMP_PROCESSOR_STATE\n"
	"\tjr $ra\n";

#define SLICE 2000
#define ROND_PAYLOAD 20	/* round number, pages, flags, ns paused (mips/mig_int.h) */

/* ---- an in-memory duplex link with damage on demand ---- */

#define PIPE_CAP (48u << 10)

struct pipe {
	uint8_t buf[PIPE_CAP];
	size_t head, len;	/* ring */
	uint64_t total;		/* bytes ever written */
	bool closed;		/* the writer is gone: EOF after the rest */
	bool broken;		/* reset: both ends get errors */
	int64_t flip_at;	/* flip the low bit of this byte offset (-1: none) */
	int64_t cut_at;		/* break the link once this many bytes were written (-1: never) */
	bool record;		/* keep a copy of everything written in recorded[] */
};

#define RECORD_MAX (8u << 20)
static uint8_t recorded[RECORD_MAX];
static size_t nrecorded;

struct end {
	struct pipe *tx, *rx;
};

static long pipe_send(void *ctx, const void *p, size_t n)
{
	struct end *e = ctx;
	struct pipe *t = e->tx;
	const uint8_t *b = p;

	if (t->broken || e->rx->broken)
		return MIPS_IO_ERR;
	if (t->cut_at >= 0 && t->total + n > (uint64_t)t->cut_at)
		n = (size_t)((uint64_t)t->cut_at - t->total);
	if (n > PIPE_CAP - t->len)
		n = PIPE_CAP - t->len;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = b[i];
		if ((int64_t)(t->total + i) == t->flip_at)
			c ^= 1;
		t->buf[(t->head + t->len + i) % PIPE_CAP] = c;
	}
	if (t->record && n <= RECORD_MAX - nrecorded) {
		memcpy(recorded + nrecorded, b, n);
		nrecorded += n;
	}
	t->len += n;
	t->total += n;
	if (t->cut_at >= 0 && t->total == (uint64_t)t->cut_at)
		t->broken = true;
	return (long)n;
}

static long pipe_recv(void *ctx, void *p, size_t n)
{
	struct end *e = ctx;
	struct pipe *r = e->rx;
	uint8_t *b = p;

	if (r->broken && !r->len)
		return MIPS_IO_ERR;
	if (!r->len)
		return r->closed ? MIPS_IO_EOF : MIPS_IO_AGAIN;
	if (n > r->len)
		n = r->len;
	for (size_t i = 0; i < n; i++)
		b[i] = r->buf[(r->head + i) % PIPE_CAP];
	r->head = (r->head + n) % PIPE_CAP;
	r->len -= n;
	return (long)n;
}

/* What the peer has not read yet stands for "sent, not acknowledged". */
static size_t pipe_pending(void *ctx)
{
	struct end *e = ctx;
	return e->tx->len;
}

static const char *pipe_error(void *ctx)
{
	(void)ctx;
	return "connection reset (test)";
}

/* ---- a port whose clock moves: each call is 1 us later ---- */

static uint64_t fake_ns;
static uint64_t moving_clock(void *ud)
{
	(void)ud;
	return fake_ns += 1000;
}

static struct testport *tp;
static struct mips_program prog;

static struct mips_vm *new_vm(void)
{
	struct mips_vm *vm = mips_vm_new(&tp->port, "writer", 0);
	mips_vm_load(vm, &prog);
	return vm;
}

static void run_out(struct mips_vm *vm)
{
	while (mips_vm_state(vm) == MIPS_VM_RUNNING)
		mips_vm_run(vm, SLICE);
}

/* The uninterrupted run's output. */
static char reference[TP_OUT_MAX];
static uint64_t reference_icount;

struct outcome {
	enum mips_mig_status out, in;
	char out_err[MIPS_MSG_MAX], in_err[MIPS_MSG_MAX];
	struct mips_mig_stats out_st, in_st;
	bool output_ok;		/* source part plus destination part equal the reference */
	bool ended_on_source;
};

struct scenario {
	const char *out_key, *in_key;
	uint32_t in_mem_limit;
	int64_t flip_at, cut_at;	/* sender->receiver damage */
	int64_t flip_back_at;		/* receiver->sender damage */
	uint64_t start_after;		/* instructions before the migration starts */
	bool record;			/* keep the sender's stream in recorded[] */
};

static void migrate(const struct scenario *sc, struct outcome *o)
{
	static struct pipe s2r, r2s;
	struct end send_end = { &s2r, &r2s }, recv_end = { &r2s, &s2r };
	struct mips_mig_io out_io = { &send_end, pipe_send, pipe_recv, pipe_error, pipe_pending };
	struct mips_mig_io in_io = { &recv_end, pipe_send, pipe_recv, pipe_error, pipe_pending };
	struct mips_mig_config out_cfg = { 0 }, in_cfg = { 0 };

	memset(&s2r, 0, sizeof s2r);
	memset(&r2s, 0, sizeof r2s);
	s2r.flip_at = sc->flip_at, s2r.cut_at = sc->cut_at;
	r2s.flip_at = sc->flip_back_at, r2s.cut_at = -1;
	s2r.record = sc->record;
	nrecorded = 0;
	if (sc->out_key)
		out_cfg.key = sc->out_key, out_cfg.keylen = strlen(sc->out_key);
	if (sc->in_key)
		in_cfg.key = sc->in_key, in_cfg.keylen = strlen(sc->in_key);
	in_cfg.mem_limit = sc->in_mem_limit;
	memcpy(in_cfg.nonce, "0123456789abcdef", MIPS_MIG_NONCE_SIZE);
	out_cfg.max_downtime_ns = 1;	/* rounds go on until they stop shrinking */

	tp->nout = 0;
	tp->out[0] = 0;
	struct mips_vm *vm = new_vm();
	mips_vm_run(vm, sc->start_after);
	struct mips_mig_out *mo = mips_mig_out_start(vm, &out_cfg, &out_io);
	struct mips_mig_in *mi = mips_mig_in_start(&tp->port, &in_cfg, &in_io);
	o->out = o->in = MIPS_MIG_ACTIVE;
	for (int i = 0; i < 1000000 && (o->out == MIPS_MIG_ACTIVE || o->in == MIPS_MIG_ACTIVE); i++) {
		if (mips_vm_state(vm) == MIPS_VM_RUNNING)
			mips_vm_run(vm, SLICE);
		if (o->out == MIPS_MIG_ACTIVE && (o->out = mips_mig_out_pump(mo)) == MIPS_MIG_FAILED)
			s2r.closed = true;	/* the host closes the connection */
		if (o->in == MIPS_MIG_ACTIVE && (o->in = mips_mig_in_pump(mi)) == MIPS_MIG_FAILED)
			r2s.closed = true;
	}
	snprintf(o->out_err, sizeof o->out_err, "%s", mips_mig_out_error(mo));
	snprintf(o->in_err, sizeof o->in_err, "%s", mips_mig_in_error(mi));
	mips_mig_out_stats(mo, &o->out_st);
	mips_mig_in_stats(mi, &o->in_st);
	mips_mig_out_free(mo);
	struct mips_vm *moved = mips_mig_in_take(mi);
	mips_mig_in_free(mi);
	o->ended_on_source = mips_vm_state(vm) != MIPS_VM_MIGRATED;
	if (o->ended_on_source)
		run_out(vm);
	if (moved && !o->ended_on_source)
		run_out(moved);
	o->output_ok = !strcmp(tp->out, reference) &&
		       (o->ended_on_source ? mips_vm_state(vm) == MIPS_VM_EXITED : mips_vm_state(moved) == MIPS_VM_EXITED);
	mips_vm_free(vm);
	mips_vm_free(moved);
}

static const struct scenario plain = { .flip_at = -1, .cut_at = -1, .flip_back_at = -1, .start_after = 50000 };

static void test_precopy(void)
{
	struct outcome o;

	migrate(&plain, &o);
	CHECK(o.out == MIPS_MIG_DONE && o.in == MIPS_MIG_DONE, "a VM writing memory migrates (sender: '%s', receiver: '%s')",
	      o.out_err, o.in_err);
	CHECK(o.output_ok && !o.ended_on_source, "source output plus destination output equal the uninterrupted run");
	CHECK(o.out_st.rounds >= 3 && o.out_st.rounds == o.in_st.rounds,
	      "pre-copy took several rounds, both ends agree (%u, %u)", o.out_st.rounds, o.in_st.rounds);
	CHECK(o.out_st.pages > 24 + 3 && o.out_st.pages == o.in_st.pages,
	      "dirty pages were sent again (%llu pages for 27 resident)", (unsigned long long)o.out_st.pages);
	CHECK(o.out_st.bytes == o.in_st.bytes && o.out_st.downtime_ns > 0 && o.out_st.downtime_ns < o.out_st.total_ns,
	      "byte counts agree, downtime is inside the total");
	char line[256];
	mips_mig_stats_format(&o.out_st, line, sizeof line);
	CHECK(strstr(line, " rounds, ") && strstr(line, "downtime ") && strstr(line, " MB/s"), "report: %s", line);

	struct scenario keyed = plain;
	keyed.out_key = keyed.in_key = "Jefe";
	migrate(&keyed, &o);
	CHECK(o.out == MIPS_MIG_DONE && o.in == MIPS_MIG_DONE && o.output_ok, "with the same migrate_key on both ends");
}

static void test_keys(void)
{
	struct scenario sc = plain;
	struct outcome o;

	sc.out_key = "right", sc.in_key = "wrong";
	migrate(&sc, &o);
	CHECK(o.in == MIPS_MIG_FAILED && !strcmp(o.in_err, "refused: authentication failed (wrong migrate_key?)"),
	      "a wrong key is refused at the header: '%s'", o.in_err);
	CHECK(o.out == MIPS_MIG_FAILED && strstr(o.out_err, "the destination refused the VM: refused: authentication failed"),
	      "the sender hears why: '%s'", o.out_err);
	CHECK(o.ended_on_source && o.output_ok, "the VM finishes on the source with the right output");

	sc.out_key = NULL, sc.in_key = "k";
	migrate(&sc, &o);
	CHECK(o.out == MIPS_MIG_FAILED && !strcmp(o.out_err, "the destination requires a migrate_key and none is set here") &&
	      o.ended_on_source && o.output_ok, "no key here, one required there: '%s'", o.out_err);
	sc.out_key = "k", sc.in_key = NULL;
	migrate(&sc, &o);
	CHECK(o.out == MIPS_MIG_FAILED && !strcmp(o.out_err, "a migrate_key is set here but the destination has none") &&
	      o.ended_on_source && o.output_ok, "a key here, none there: '%s'", o.out_err);
}

static void test_limits(void)
{
	struct scenario sc = plain;
	struct outcome o;

	sc.in_mem_limit = 64 << 10;
	migrate(&sc, &o);
	CHECK(o.out == MIPS_MIG_FAILED && strstr(o.out_err, "KiB of memory; the destination accepts 64 KiB") &&
	      o.ended_on_source && o.output_ok, "a VM bigger than the destination's limit stays: '%s'", o.out_err);
}

/* One flipped bit anywhere in the stream: refused, the VM finishes on the source. */
static void test_corruption(void)
{
	struct outcome o;
	struct scenario sc = plain;
	uint64_t total;
	int refused = 0, tried = 0, bad_source = 0;

	migrate(&plain, &o);
	total = o.out_st.bytes - 40 - 12 - 32;	/* sender bytes: all minus greeting and ACK */
	uint64_t seed = 12345;
	for (int64_t off = 0; off < (int64_t)total; ) {
		sc.flip_at = off;
		migrate(&sc, &o);
		tried++;
		refused += o.in == MIPS_MIG_FAILED && o.out == MIPS_MIG_FAILED;
		bad_source += !(o.ended_on_source && o.output_ok);
		if (o.in != MIPS_MIG_FAILED)
			printf("  offset %lld: receiver %d '%s'\n", (long long)off, o.in, o.in_err);
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		off += off < 400 ? 1 : (int64_t)(seed >> 33) % 20000 + 1;
	}
	CHECK(refused == tried && bad_source == 0,
	      "%d single-bit flips in the sender's stream: %d refused by both ends, %d VMs not finished at the source",
	      tried, refused, bad_source);

	sc = plain;
	int cut_ok = 0, cut_tried = 0;
	for (int64_t off = 0; off < (int64_t)total; off += off < 200 ? 7 : 13001) {
		sc.cut_at = off;
		migrate(&sc, &o);
		cut_tried++;
		cut_ok += o.in == MIPS_MIG_FAILED && o.out == MIPS_MIG_FAILED && o.ended_on_source && o.output_ok;
	}
	CHECK(cut_ok == cut_tried, "a link cut at %d offsets: both ends fail, the VM finishes on the source (%d ok)",
	      cut_tried, cut_ok);

	sc = plain;
	sc.flip_back_at = 40 + 20;	/* in the ACK's proof */
	migrate(&sc, &o);
	CHECK(o.out == MIPS_MIG_FAILED && !strcmp(o.out_err, "the destination sent a record with a bad CRC") &&
	      o.ended_on_source, "a damaged acknowledgement keeps the VM at the source: '%s'", o.out_err);
	sc.flip_back_at = 10;	/* the greeting */
	migrate(&sc, &o);
	CHECK(o.out == MIPS_MIG_FAILED && strstr(o.out_err, "bad greeting") && o.ended_on_source && o.output_ok,
	      "a damaged greeting: '%s'", o.out_err);
}

/* A receiver with this port and config fed a crafted stream (resealed: CRCs, header auth and
 * digest made right again). */
static enum mips_mig_status replay_with(const struct mips_port *port, struct mips_mig_config cfg,
					const uint8_t *stream, size_t len, struct outcome *o)
{
	struct ms_feed f = { stream, len, 0 };
	struct mips_mig_io io = { &f, ms_feed_send, ms_feed_recv, ms_feed_error, NULL };

	memcpy(cfg.nonce, "0123456789abcdef", MIPS_MIG_NONCE_SIZE);
	struct mips_mig_in *mi = mips_mig_in_start(port, &cfg, &io);
	enum mips_mig_status st = MIPS_MIG_ACTIVE;
	for (int i = 0; i < 100000 && st == MIPS_MIG_ACTIVE; i++)
		st = mips_mig_in_pump(mi);
	snprintf(o->in_err, sizeof o->in_err, "%s", mips_mig_in_error(mi));
	mips_mig_in_stats(mi, &o->in_st);
	mips_mig_in_free(mi);
	return st;
}

static enum mips_mig_status replay(const uint8_t *stream, size_t len, struct outcome *o)
{
	return replay_with(&tp->port, (struct mips_mig_config){ 0 }, stream, len, o);
}

/* The host's allocator, refusing once `allocs_left` allocations have been made. */
static long allocs_left;
static void *failing_alloc(void *ud, void *p, size_t o, size_t n)
{
	if (n && !p && allocs_left-- <= 0)
		return NULL;
	return tp_alloc(ud, p, o, n);
}

/* Which memory ran out is named: the VM's limit (by its option) or the host's own. */
static void test_memory_refusals(void)
{
	static uint8_t s[RECORD_MAX + 64];
	struct mips_mig_config named = { .limit_name = "migrate_mem=", .host_name = "Tally" };
	struct scenario sc = plain;
	struct outcome o;

	sc.record = true;
	migrate(&sc, &o);
	size_t len = nrecorded;
	memcpy(s, recorded, len);
	struct mips_port starved = tp->port;
	starved.alloc = failing_alloc;
	allocs_left = 12;
	CHECK(replay_with(&starved, named, s, len, &o) == MIPS_MIG_FAILED &&
	      strstr(o.in_err, "refused: Tally's free memory ran out at ") &&
	      strstr(o.in_err, " KiB of the VM (not its migrate_mem= limit of 65536 KiB)"),
	      "the host's allocator failing is named as the host's memory: '%s'", o.in_err);

	/* A header declaring one page, then two rounds of one page each at different addresses: the
	 * VM outgrows a one-page limit at its second page, a check each round alone passes. */
	uint8_t *hdr = ms_find(s, len, MIPS_WIRE_TAG('M', 'H', 'D', 'R'), 0);
	size_t off = (size_t)(hdr - 8 - s) + 12 + mips_get32(hdr - 4);
	mips_put32(hdr + 24, 1);
	for (uint32_t round = 0; round < 2; round++) {
		uint8_t rond[ROND_PAYLOAD] = { 0 }, page[4 + 4096] = { 0 };
		mips_put32(rond, round);
		mips_put32(rond + 4, 1);
		mips_put32(page, MIPS_DATA_BASE + round * 4096);
		off += mips_wire_record(s + off, MIPS_WIRE_TAG('R', 'O', 'N', 'D'), rond, sizeof rond, NULL, 0);
		off += mips_wire_record(s + off, MIPS_WIRE_TAG('P', 'A', 'G', 'E'), page, sizeof page, NULL, 0);
	}
	ms_reseal(s, off, (const uint8_t *)"0123456789abcdef");
	named.mem_limit = 4096;
	CHECK(replay_with(&tp->port, named, s, off, &o) == MIPS_MIG_FAILED &&
	      !strcmp(o.in_err, "refused: the VM needs more than its migrate_mem= limit of 4 KiB here (8 KiB)"),
	      "a VM growing past its limit between rounds is refused by the limit's name: '%s'", o.in_err);
}

static void test_crafted_streams(void)
{
	static uint8_t s[RECORD_MAX + 64];
	struct scenario sc = plain;
	struct outcome o;
	size_t len;
	uint8_t *p;

	sc.record = true;
	migrate(&sc, &o);
	len = nrecorded;
	CHECK(o.in == MIPS_MIG_DONE && len > 0 && len < RECORD_MAX, "a stream recorded (%zu bytes)", len);
	memcpy(s, recorded, len);
	ms_reseal(s, len, (const uint8_t *)"0123456789abcdef");
	CHECK(replay(s, len, &o) == MIPS_MIG_DONE, "replayed as recorded it is received ('%s')", o.in_err);

	p = ms_find(s, len, MIPS_WIRE_TAG('M', 'H', 'D', 'R'), 0);
	mips_put32(p + 4, mips_get32(p + 4) | 2);
	ms_reseal(s, len, (const uint8_t *)"0123456789abcdef");
	CHECK(replay(s, len, &o) == MIPS_MIG_FAILED && !strcmp(o.in_err, "refused: header flags (unknown bits) check failed in record 0"),
	      "unknown header flag bits are refused: '%s'", o.in_err);

	memcpy(s, recorded, len);
	memcpy(s + len, "PAGE\0\0\0\0\0\0\0\0", 12);
	CHECK(replay(s, len + 12, &o) == MIPS_MIG_FAILED && strstr(o.in_err, "nothing after the end record check failed"),
	      "bytes after the END record are refused: '%s'", o.in_err);
	CHECK(replay(s, len + 1, &o) == MIPS_MIG_FAILED && strstr(o.in_err, "nothing after the end record"),
	      "even one byte: '%s'", o.in_err);

	memcpy(s, recorded, len);
	p = ms_find(s, len, MIPS_WIRE_TAG('R', 'O', 'N', 'D'), 1);
	CHECK(p && (mips_get32(p + 8) & 1), "the final round is found");
	mips_put64(p + 12, 549756ull * 1000000);	/* a sender claiming a 549756 ms pause */
	ms_reseal(s, len, (const uint8_t *)"0123456789abcdef");
	CHECK(replay(s, len, &o) == MIPS_MIG_DONE && o.in_st.downtime_ns <= o.in_st.total_ns,
	      "the receiver's downtime stays inside its own total (%llu <= %llu ns)",
	      (unsigned long long)o.in_st.downtime_ns, (unsigned long long)o.in_st.total_ns);
}

/* The VM reaches its exit before the pre-copy ends: it waits at its exit syscall, the transfer
 * finishes, and the exit happens at the destination (issue: a short MIGRATE program must finish
 * there). */
static void test_vm_ends_first(void)
{
	struct scenario sc = plain;
	struct outcome o;

	sc.start_after = reference_icount - 100;
	migrate(&sc, &o);
	CHECK(!o.ended_on_source && o.output_ok && o.out == MIPS_MIG_DONE && o.in == MIPS_MIG_DONE,
	      "a VM that reaches its exit during the transfer waits, moves, and exits at the destination "
	      "(sender: '%s', receiver: '%s')", o.out_err, o.in_err);
}

/* Writes seeds for the libFuzzer receiver target (fuzz_mig_in.c: first byte 1 = reseal) into dir:
 * the stream of a one-page VM, whole and cut after each record. */
static int write_seeds(const char *dir)
{
	struct scenario sc = plain;
	struct outcome o;
	char path[512];

	mips_program_free(&tp->port, &prog);
	static const char tiny[] = "main: li $t0, 100000\nl: addiu $t0, $t0, -1\nbnez $t0, l\njr $ra\n";
	if (mips_assemble(&tp->port, "tiny.s", tiny, strlen(tiny), &prog))
		return 1;
	sc.record = true, sc.start_after = 0;
	migrate(&sc, &o);
	if (o.in != MIPS_MIG_DONE)
		return 1;
	int n = 0;
	for (size_t off = 0; off + 12 <= nrecorded; off += 12 + mips_get32(recorded + off + 4)) {
		size_t end = off + 12 + mips_get32(recorded + off + 4);
		snprintf(path, sizeof path, "%s/mig%02d", dir, n++);
		FILE *f = fopen(path, "wb");
		if (!f)
			return 1;
		fputc(1, f);
		fwrite(recorded, 1, end, f);
		fclose(f);
	}
	printf("%d seeds of up to %zu bytes in %s\n", n, nrecorded + 1, dir);
	return 0;
}

int main(int argc, char **argv)
{
	tp = tp_new();
	tp->port.clock_ns = moving_clock;
	if (argc == 3 && !strcmp(argv[1], "--seeds")) {
		if (mips_assemble(&tp->port, "writer.s", prog_src, strlen(prog_src), &prog))
			return 1;
		return write_seeds(argv[2]);
	}
	if (mips_assemble(&tp->port, "writer.s", prog_src, strlen(prog_src), &prog)) {
		printf("FAIL: assembly: %s\n", tp->diag);
		return 1;
	}
	struct mips_vm *vm = new_vm();
	run_out(vm);
	CHECK(mips_vm_state(vm) == MIPS_VM_EXITED && strstr(tp->out, "instructions = "),
	      "the reference run exits after its dump");
	reference_icount = mips_vm_icount(vm);
	mips_vm_free(vm);
	memcpy(reference, tp->out, tp->nout + 1);

	test_precopy();
	test_keys();
	test_limits();
	test_corruption();
	test_vm_ends_first();
	test_crafted_streams();
	test_memory_refusals();
	mips_program_free(&tp->port, &prog);
	tp_free(tp);
	return check_summary();
}
