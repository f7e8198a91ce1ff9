/* migrate.c: pre-copy live migration of a VM over any byte stream: the sender's and the receiver's
 * state machines, pumped by the host's loop over a non-blocking transport. */
#include "internal.h"
#include "sha256.h"

/*
 * The stream, every integer little-endian:
 *
 *   receiver first, the greeting (GREET_SIZE bytes):
 *     magic "TALLYMIG" 8, version u32, flags u32 (bit 0: a key is required), memory limit u32,
 *     nonce 16 bytes, CRC-32 of the bytes before it u32
 *   then the sender, records: tag u32, payload length u32, payload, CRC-32 of tag+length+payload u32
 *     "MHDR" once: version u32, flags u32 (bit 0: keyed), text hash u64, text end u32, user text end
 *            u32, resident pages u32, name length u32, name, auth 32 bytes =
 *            HMAC(key, "TALLYMIG-HDR" | nonce | the payload before auth)
 *     "ROND" per round: round number u32, pages u32, flags u32 (bit 0: final, the VM is paused),
 *            ns the VM has been paused u64 (final only)
 *     "PAGE" the round's pages: guest address u32, 4096 bytes (a later copy replaces an earlier)
 *     "CPU " after the final round's pages: the snapshot format's CPU record
 *     "END " last: records before it u32, stream bytes before it u64,
 *            digest 32 bytes = HMAC(key, nonce | every sender byte before this record)
 *   then the receiver again, one record:
 *     "ACK " proof 32 bytes = HMAC(key, "TALLYMIG-ACK" | digest), or "NAK " reason text
 *
 * Without a key both ends use the empty key: the digest still checks the whole stream, it just
 * proves nothing about who sent it.
 */
#define MIG_MAGIC	"TALLYMIG"
#define MIG_VERSION	1u
#define GREET_SIZE	(8u + 4 * 3 + MIPS_MIG_NONCE_SIZE + 4)
#define MIG_F_KEYED	1u
#define ROUND_F_FINAL	1u
#define TAG(a, b, c, d)	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define TAG_MHDR	TAG('M', 'H', 'D', 'R')
#define TAG_ROND	TAG('R', 'O', 'N', 'D')
#define TAG_PAGE	TAG('P', 'A', 'G', 'E')
#define TAG_CPU		TAG('C', 'P', 'U', ' ')
#define TAG_END		TAG('E', 'N', 'D', ' ')
#define TAG_ACK		TAG('A', 'C', 'K', ' ')
#define TAG_NAK		TAG('N', 'A', 'K', ' ')
#define HDR_FIXED	(4u * 2 + 8 + 4 * 4)
#define ROND_SIZE	(4u * 3 + 8)
#define END_SIZE	(4u + 8 + MIPS_SHA256_SIZE)
#define REC_MAX		(4u + MIPS_PAGE_SIZE)	/* the largest payload: a page */
#define REC_BUF		(8 + REC_MAX + 4)
#define NAK_MAX		200u
#define IN_ROUNDS_MAX	1024u		/* a receiver's bound on rounds, against endless streams */
#define PUMP_BYTES	(256u << 10)	/* most bytes one pump produces */

#define DEFAULT_ROUNDS		30u
#define DEFAULT_DOWNTIME_NS	5000000ull
#define DEFAULT_TIMEOUT_NS	10000000000ull

static const char ctx_hdr[] = "TALLYMIG-HDR", ctx_ack[] = "TALLYMIG-ACK";

/* What both directions share: the transport, the buffered record each way, the timeout. */
struct mig_link {
	const struct mips_port *port;
	struct mips_mig_io io;
	uint8_t key[MIPS_MIG_KEY_MAX];
	size_t keylen;
	uint8_t nonce[MIPS_MIG_NONCE_SIZE];
	uint64_t timeout_ns, last_move_ns, start_ns;
	uint8_t out[REC_BUF];
	size_t out_len, out_off;
	uint8_t in[REC_BUF];
	size_t in_len;
	uint64_t sent, received;
	size_t pending;		/* the transport's unacknowledged bytes when last asked */
	enum mips_mig_status status;
	char err[MIPS_MSG_MAX];
};

static uint64_t now(const struct mig_link *l) { return l->port->clock_ns(l->port->ud); }

static void put32(uint8_t *p, uint32_t v) { mips_st32(p, v); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint32_t get32(const uint8_t *p) { return mips_ld32(p); }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static void link_init(struct mig_link *l, const struct mips_port *port, const struct mips_mig_config *cfg,
		      const struct mips_mig_io *io)
{
	l->port = port;
	l->io = *io;
	l->keylen = cfg->key && cfg->keylen <= MIPS_MIG_KEY_MAX ? cfg->keylen : 0;
	if (l->keylen)
		memcpy(l->key, cfg->key, l->keylen);
	memcpy(l->nonce, cfg->nonce, sizeof l->nonce);
	l->timeout_ns = cfg->timeout_ns ? cfg->timeout_ns : DEFAULT_TIMEOUT_NS;
	l->start_ns = l->last_move_ns = now(l);
	l->status = MIPS_MIG_ACTIVE;
}

static bool link_fail(struct mig_link *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool link_fail(struct mig_link *l, const char *fmt, ...)
{
	struct mips_strbuf sb = { l->err, sizeof l->err, 0 };
	va_list ap;

	if (l->status != MIPS_MIG_ACTIVE)
		return false;
	va_start(ap, fmt);
	mips_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	l->status = MIPS_MIG_FAILED;
	return false;
}

static void hmac_start(const struct mig_link *l, struct mips_hmac *h)
{
	mips_hmac_init(h, l->key, l->keylen);
}

/* Frames a record into the out buffer (which must be empty). */
static void link_record(struct mig_link *l, uint32_t tag, const void *head, size_t hn, const void *body, size_t bn)
{
	uint8_t *p = l->out;

	put32(p, tag);
	put32(p + 4, (uint32_t)(hn + bn));
	memcpy(p + 8, head, hn);
	if (bn)
		memcpy(p + 8 + hn, body, bn);
	put32(p + 8 + hn + bn, mips_crc32(0, p, 8 + hn + bn));
	l->out_len = 12 + hn + bn;
	l->out_off = 0;
}

static void link_raw(struct mig_link *l, const void *buf, size_t n)
{
	memcpy(l->out, buf, n);
	l->out_len = n;
	l->out_off = 0;
}

/* Sends what is buffered; true once it has all gone. */
static bool link_flush(struct mig_link *l)
{
	while (l->out_off < l->out_len) {
		long n = l->io.send(l->io.ctx, l->out + l->out_off, l->out_len - l->out_off);
		if (n == MIPS_IO_AGAIN)
			return false;
		if (n < 0 || (size_t)n > l->out_len - l->out_off)
			return link_fail(l, "connection failed: %s", l->io.error(l->io.ctx));
		l->out_off += (size_t)n;
		l->sent += (uint64_t)n;
		l->last_move_ns = now(l);
	}
	return true;
}

/*
 * Reads towards a whole record (or want raw bytes when want is non-zero); true when one is in
 * l->in. Refuses payloads longer than max before reading them.
 */
static bool link_read(struct mig_link *l, size_t want, uint32_t max, const char *peer)
{
	for (;;) {
		size_t need = want;
		if (!want) {
			need = 8;
			if (l->in_len >= 8) {
				uint32_t n = get32(l->in + 4);
				if (n > max)
					return link_fail(l, "%s sent a record of %u bytes (at most %u expected)", peer,
							 n, max);
				need = 12 + n;
			}
		}
		if (l->in_len == need) {
			if (!want && get32(l->in + need - 4) != mips_crc32(0, l->in, need - 4))
				return link_fail(l, "%s sent a record with a bad CRC", peer);
			return true;
		}
		long n = l->io.recv(l->io.ctx, l->in + l->in_len, need - l->in_len);
		if (n == MIPS_IO_AGAIN)
			return false;
		if (n == MIPS_IO_EOF)
			return link_fail(l, "%s closed the connection %s", peer,
					 l->in_len ? "in the middle of a record" : "early");
		if (n < 0 || (size_t)n > need - l->in_len)
			return link_fail(l, "connection failed: %s", l->io.error(l->io.ctx));
		l->in_len += (size_t)n;
		l->received += (uint64_t)n;
		l->last_move_ns = now(l);
	}
}

/* True when everything sent has been acknowledged; a shrinking queue counts as movement. */
static bool link_drained(struct mig_link *l)
{
	size_t p = l->io.pending ? l->io.pending(l->io.ctx) : 0;

	if (p < l->pending)
		l->last_move_ns = now(l);
	l->pending = p;
	return p == 0;
}

static bool link_timed_out(struct mig_link *l)
{
	if (now(l) - l->last_move_ns < l->timeout_ns)
		return false;
	return link_fail(l, "timed out: nothing moved for %llu ms", (unsigned long long)(l->timeout_ns / 1000000u));
}

static void stats_common(const struct mig_link *l, struct mips_mig_stats *st)
{
	st->bytes = l->sent + l->received;
}

/* ---- sender ---- */

enum out_state { OUT_GREETING, OUT_ROUND, OUT_PAGES, OUT_CPU, OUT_END, OUT_ACK, OUT_OVER };

struct mips_mig_out {
	struct mig_link l;
	struct mips_vm *vm;
	enum out_state st;
	enum mips_vm_state paused_from;	/* MIPS_VM_PAUSED when not paused */
	struct mips_hmac digest;	/* over every byte sent */
	uint8_t digest_out[MIPS_SHA256_SIZE];
	uint32_t max_rounds, records;
	uint64_t max_downtime_ns, pause_ns, end_ns;
	uint32_t *list;			/* this round's page addresses */
	size_t list_len, list_cap, list_next;
	uint64_t round_start_ns, round_bytes_start, bytes_per_s;
	size_t prev_dirty;
	uint32_t shrink_misses;
	bool final;
	struct mips_mig_stats stats;
};

struct mips_mig_out *mips_mig_out_start(struct mips_vm *vm, const struct mips_mig_config *cfg,
					const struct mips_mig_io *io)
{
	struct mips_mig_out *m = mips_alloc(vm->port, sizeof *m);

	if (!m)
		return NULL;
	link_init(&m->l, vm->port, cfg, io);
	m->vm = vm;
	m->paused_from = MIPS_VM_PAUSED;
	m->max_rounds = cfg->max_rounds ? cfg->max_rounds : DEFAULT_ROUNDS;
	m->max_downtime_ns = cfg->max_downtime_ns ? cfg->max_downtime_ns : DEFAULT_DOWNTIME_NS;
	hmac_start(&m->l, &m->digest);	/* the nonce goes in first, once the greeting brings it */
	return m;
}

/* Hands the VM back to its scheduler, if this sender paused it. */
static void out_resume(struct mips_mig_out *m)
{
	if (m->paused_from != MIPS_VM_PAUSED && m->vm->state == MIPS_VM_PAUSED)
		m->vm->state = m->paused_from;
	m->paused_from = MIPS_VM_PAUSED;
}

/* Frames a record into the out buffer, counted into the digest. */
static void out_record(struct mips_mig_out *m, uint32_t tag, const void *head, size_t hn, const void *body, size_t bn)
{
	link_record(&m->l, tag, head, hn, body, bn);
	mips_hmac_update(&m->digest, m->l.out, m->l.out_len);
	m->records++;
}

static bool out_greeting(struct mips_mig_out *m)
{
	const uint8_t *g = m->l.in;

	if (!link_read(&m->l, GREET_SIZE, 0, "the destination"))
		return false;
	if (memcmp(g, MIG_MAGIC, 8) || get32(g + GREET_SIZE - 4) != mips_crc32(0, g, GREET_SIZE - 4))
		return link_fail(&m->l, "the destination is not a Tally migration receiver (bad greeting)");
	if (get32(g + 8) != MIG_VERSION)
		return link_fail(&m->l, "the destination speaks migration version %u, this end %u", get32(g + 8),
				 MIG_VERSION);
	bool key_required = get32(g + 12) & MIG_F_KEYED;
	if (key_required && !m->l.keylen)
		return link_fail(&m->l, "the destination requires a migrate_key and none is set here");
	if (!key_required && m->l.keylen)
		return link_fail(&m->l, "a migrate_key is set here but the destination has none");
	uint64_t need = (uint64_t)mips_vm_page_count(m->vm) * MIPS_PAGE_SIZE;
	if (need > get32(g + 16))
		return link_fail(&m->l, "the VM has %llu KiB of memory; the destination accepts %u KiB",
				 (unsigned long long)(need >> 10), get32(g + 16) >> 10);
	memcpy(m->l.nonce, g + 8 + 12, MIPS_MIG_NONCE_SIZE);
	m->l.in_len = 0;
	mips_hmac_update(&m->digest, m->l.nonce, MIPS_MIG_NONCE_SIZE);

	uint8_t h[HDR_FIXED + MIPS_NAME_MAX + MIPS_SHA256_SIZE];
	uint32_t namelen = (uint32_t)strlen(m->vm->name);
	put32(h, MIG_VERSION);
	put32(h + 4, m->l.keylen ? MIG_F_KEYED : 0);
	put64(h + 8, m->vm->text_hash);
	put32(h + 16, MIPS_TEXT_BASE + m->vm->nops * 4);
	put32(h + 20, m->vm->user_text_end);
	put32(h + 24, (uint32_t)mips_vm_page_count(m->vm));
	put32(h + 28, namelen);
	memcpy(h + HDR_FIXED, m->vm->name, namelen);
	struct mips_hmac auth;
	hmac_start(&m->l, &auth);
	mips_hmac_update(&auth, ctx_hdr, sizeof ctx_hdr - 1);
	mips_hmac_update(&auth, m->l.nonce, MIPS_MIG_NONCE_SIZE);
	mips_hmac_update(&auth, h, HDR_FIXED + namelen);
	mips_hmac_final(&auth, h + HDR_FIXED + namelen);
	out_record(m, TAG_MHDR, h, HDR_FIXED + namelen + MIPS_SHA256_SIZE, NULL, 0);
	m->st = OUT_ROUND;
	return true;
}

static bool list_add(struct mips_mig_out *m, uint32_t addr)
{
	if (m->list_len == m->list_cap) {
		size_t cap = m->list_cap ? m->list_cap * 2 : 256;
		uint32_t *p = mips_realloc(m->l.port, m->list, m->list_cap * sizeof *p, cap * sizeof *p);
		if (!p)
			return false;
		m->list = p, m->list_cap = cap;
	}
	m->list[m->list_len++] = addr;
	return true;
}

/* The pages to send this round (all resident ones in round 0, else the dirty ones); clears the dirty bits. */
static bool collect_pages(struct mips_mig_out *m, bool all)
{
	const struct mips_vm *vm = m->vm;

	m->list_len = m->list_next = 0;
	for (uint32_t i = 0; i < (1u << MIPS_L1_BITS); i++) {
		const struct mips_l2 *l2 = vm->l1[i];
		for (uint32_t j = 0; l2 && j < MIPS_L2_SIZE; j++)
			if (l2->page[j] && (all || (l2->dirty[j / 32] >> (j % 32) & 1)) &&
			    !list_add(m, (i << MIPS_L2_BITS | j) << MIPS_PAGE_SHIFT))
				return link_fail(&m->l, "out of memory listing pages");
	}
	mips_vm_clear_dirty(m->vm);
	return true;
}

static size_t count_dirty(const struct mips_vm *vm)
{
	size_t n = 0;

	for (uint32_t i = 0; i < (1u << MIPS_L1_BITS); i++) {
		const struct mips_l2 *l2 = vm->l1[i];
		for (uint32_t j = 0; l2 && j < MIPS_L2_SIZE; j++)
			n += l2->page[j] && (l2->dirty[j / 32] >> (j % 32) & 1);
	}
	return n;
}

/*
 * Pause now? When the dirty pages would go within the downtime goal at the last round's rate,
 * when the rounds run out, or when rounds stop shrinking (the VM dirties memory faster than the
 * link moves it).
 */
static bool time_to_pause(struct mips_mig_out *m, size_t dirty)
{
	uint64_t bytes = (uint64_t)dirty * (12 + REC_MAX);

	if (m->stats.rounds + 1 >= m->max_rounds)
		return true;
	if (dirty >= m->prev_dirty && m->stats.rounds > 1)
		m->shrink_misses++;
	m->prev_dirty = dirty;
	if (m->shrink_misses >= 3)
		return true;
	return !m->bytes_per_s || bytes * 1000000000u / m->bytes_per_s <= m->max_downtime_ns ||
	       bytes <= 2 * (12 + REC_MAX);
}

static bool out_round(struct mips_mig_out *m)
{
	struct mips_vm *vm = m->vm;
	uint64_t t = now(&m->l);

	if (vm->state != MIPS_VM_RUNNING && vm->state != MIPS_VM_BLOCKED)
		return link_fail(&m->l, "the VM %s during the transfer; nothing moved",
				 vm->state == MIPS_VM_EXITED ? "exited" : "stopped");
	if (m->stats.rounds && !link_drained(&m->l))
		return false;	/* the last round is still on its way: its dirty pages are not all in yet */
	if (m->stats.rounds) {	/* the rate of the round just produced */
		uint64_t dt = t - m->round_start_ns, db = m->l.sent - m->round_bytes_start;
		if (dt > 0 && db > 0)
			m->bytes_per_s = db * 1000000000u / dt;
		m->final = time_to_pause(m, count_dirty(vm));
	}
	if (m->final) {
		m->paused_from = vm->state;
		vm->state = MIPS_VM_PAUSED;
		m->pause_ns = t;
	}
	if (!collect_pages(m, m->stats.rounds == 0))
		return false;
	uint8_t r[ROND_SIZE];
	put32(r, m->stats.rounds);
	put32(r + 4, (uint32_t)m->list_len);
	put32(r + 8, m->final ? ROUND_F_FINAL : 0);
	put64(r + 12, m->final ? now(&m->l) - m->pause_ns : 0);
	out_record(m, TAG_ROND, r, sizeof r, NULL, 0);
	m->stats.rounds++;
	if (m->final)
		m->stats.final_pages = m->list_len;
	m->round_start_ns = t;
	m->round_bytes_start = m->l.sent;
	m->st = OUT_PAGES;
	return true;
}

static void out_page(struct mips_mig_out *m)
{
	if (m->list_next == m->list_len) {
		m->st = m->final ? OUT_CPU : OUT_ROUND;
		return;
	}
	uint32_t addr = m->list[m->list_next++];
	const struct mips_l2 *l2 = m->vm->l1[addr >> (MIPS_PAGE_SHIFT + MIPS_L2_BITS)];
	uint8_t a[4];
	put32(a, addr);
	out_record(m, TAG_PAGE, a, 4, l2->page[(addr >> MIPS_PAGE_SHIFT) & (MIPS_L2_SIZE - 1)], MIPS_PAGE_SIZE);
	m->stats.pages++;
}

static void out_end(struct mips_mig_out *m)
{
	uint8_t e[END_SIZE];
	struct mips_hmac d = m->digest;

	put32(e, m->records);
	put64(e + 4, m->l.sent);	/* the out buffer is empty: the loop flushed it */
	mips_hmac_final(&d, m->digest_out);
	memcpy(e + 12, m->digest_out, MIPS_SHA256_SIZE);
	out_record(m, TAG_END, e, sizeof e, NULL, 0);
	m->st = OUT_ACK;
}

/* The destination's answer: an ACK proving it saw our digest, or a NAK with its reason. */
static bool out_answer(struct mips_mig_out *m)
{
	if (!link_read(&m->l, 0, NAK_MAX, "the destination"))
		return false;
	uint32_t tag = get32(m->l.in), n = get32(m->l.in + 4);
	const uint8_t *p = m->l.in + 8;
	if (tag == TAG_NAK) {
		char why[NAK_MAX + 1];
		for (uint32_t i = 0; i < n; i++)
			why[i] = p[i] >= ' ' && p[i] < 0x7f ? (char)p[i] : '?';
		why[n] = 0;
		return link_fail(&m->l, "the destination refused the VM: %s", why);
	}
	if (m->st != OUT_ACK)
		return link_fail(&m->l, "the destination answered before the stream ended");
	uint8_t proof[MIPS_SHA256_SIZE];
	struct mips_hmac h;
	hmac_start(&m->l, &h);
	mips_hmac_update(&h, ctx_ack, sizeof ctx_ack - 1);
	mips_hmac_update(&h, m->digest_out, sizeof m->digest_out);
	mips_hmac_final(&h, proof);
	if (tag != TAG_ACK || n != MIPS_SHA256_SIZE || !mips_ct_equal(p, proof, sizeof proof))
		return link_fail(&m->l, "the destination's acknowledgement is wrong");
	m->end_ns = now(&m->l);
	m->vm->state = MIPS_VM_MIGRATED;
	m->paused_from = MIPS_VM_PAUSED;
	m->l.status = MIPS_MIG_DONE;
	m->st = OUT_OVER;
	return true;
}

enum mips_mig_status mips_mig_out_pump(struct mips_mig_out *m)
{
	uint64_t budget_end = m->l.sent + PUMP_BYTES;

	/* Mid-stream only a NAK (memory limit, bad key) or a closed connection can arrive: either ends it. */
	if (m->st != OUT_GREETING && m->st != OUT_ACK && m->st != OUT_OVER)
		out_answer(m);
	while (m->l.status == MIPS_MIG_ACTIVE) {
		if (!link_flush(&m->l) || m->l.sent >= budget_end)
			break;
		switch (m->st) {
		case OUT_GREETING:
			if (!out_greeting(m))
				goto wait;
			break;
		case OUT_ROUND:
			if (!out_round(m))
				goto wait;
			break;
		case OUT_PAGES:
			out_page(m);
			break;
		case OUT_CPU: {
			uint8_t c[MIPS_CPU_RECORD_SIZE];
			mips_snap_put_cpu(m->vm, m->paused_from, c);
			out_record(m, TAG_CPU, c, sizeof c, NULL, 0);
			m->st = OUT_END;
			break;
		}
		case OUT_END:
			out_end(m);
			break;
		case OUT_ACK:
			if (!out_answer(m))
				goto wait;
			break;
		case OUT_OVER:
			goto wait;
		}
	}
wait:
	if (m->l.status == MIPS_MIG_ACTIVE)
		link_timed_out(&m->l);
	if (m->l.status == MIPS_MIG_FAILED)
		out_resume(m);
	return m->l.status;
}

const char *mips_mig_out_error(const struct mips_mig_out *m) { return m->l.err; }
struct mips_vm *mips_mig_out_vm(const struct mips_mig_out *m) { return m->vm; }

void mips_mig_out_stats(const struct mips_mig_out *m, struct mips_mig_stats *st)
{
	uint64_t t = m->end_ns ? m->end_ns : now(&m->l);

	*st = m->stats;
	stats_common(&m->l, st);
	st->total_ns = t - m->l.start_ns;
	st->downtime_ns = m->pause_ns ? t - m->pause_ns : 0;
}

void mips_mig_out_free(struct mips_mig_out *m)
{
	if (!m)
		return;
	out_resume(m);
	mips_free(m->l.port, m->list, m->list_cap * sizeof *m->list);
	mips_free(m->l.port, m, sizeof *m);
}

/* ---- receiver ---- */

enum in_state { IN_HEADER, IN_ROUND, IN_PAGES, IN_CPU, IN_END, IN_REPLY, IN_OVER };

struct mips_mig_in {
	struct mig_link l;
	enum in_state st;
	uint32_t mem_limit;
	struct mips_vm *vm;
	struct mips_hmac digest;	/* over every byte received */
	uint32_t records, round, pages_left, text_end;
	bool final, nak_sent;
	uint64_t first_ns, final_ns, paused_before_ns, ready_ns;
	struct mips_mig_stats stats;
	bool (*admit)(void *ctx, struct mips_vm *vm, char *why, size_t cap);
	void *admit_ctx;
};

struct mips_mig_in *mips_mig_in_start(const struct mips_port *port, const struct mips_mig_config *cfg,
				      const struct mips_mig_io *io)
{
	struct mips_mig_in *m = mips_alloc(port, sizeof *m);
	uint8_t g[GREET_SIZE];

	if (!m)
		return NULL;
	link_init(&m->l, port, cfg, io);
	m->mem_limit = cfg->mem_limit ? cfg->mem_limit : MIPS_DEFAULT_MEM_LIMIT;
	m->admit = cfg->admit;
	m->admit_ctx = cfg->admit_ctx;
	hmac_start(&m->l, &m->digest);
	mips_hmac_update(&m->digest, m->l.nonce, MIPS_MIG_NONCE_SIZE);
	memcpy(g, MIG_MAGIC, 8);
	put32(g + 8, MIG_VERSION);
	put32(g + 12, m->l.keylen ? MIG_F_KEYED : 0);
	put32(g + 16, m->mem_limit);
	memcpy(g + 20, m->l.nonce, MIPS_MIG_NONCE_SIZE);
	put32(g + GREET_SIZE - 4, mips_crc32(0, g, GREET_SIZE - 4));
	link_raw(&m->l, g, sizeof g);
	return m;
}

static bool in_fail(struct mips_mig_in *m, const char *check)
{
	return link_fail(&m->l, "refused: %s check failed in record %u", check, m->records);
}

static bool in_header(struct mips_mig_in *m, const uint8_t *p, uint32_t n)
{
	if (n < HDR_FIXED + MIPS_SHA256_SIZE)
		return in_fail(m, "header length");
	uint32_t namelen = get32(p + 28);
	if (namelen == 0 || namelen >= MIPS_NAME_MAX || n != HDR_FIXED + namelen + MIPS_SHA256_SIZE)
		return in_fail(m, "header name length");
	if (get32(p) != MIG_VERSION)
		return in_fail(m, "header version");
	bool keyed = get32(p + 4) & MIG_F_KEYED;
	if (keyed != (m->l.keylen != 0))
		return link_fail(&m->l, keyed ? "refused: the stream is authenticated but no migrate_key is set here"
					      : "refused: a migrate_key is required and the stream has none");
	uint8_t auth[MIPS_SHA256_SIZE];
	struct mips_hmac h;
	hmac_start(&m->l, &h);
	mips_hmac_update(&h, ctx_hdr, sizeof ctx_hdr - 1);
	mips_hmac_update(&h, m->l.nonce, MIPS_MIG_NONCE_SIZE);
	mips_hmac_update(&h, p, HDR_FIXED + namelen);
	mips_hmac_final(&h, auth);
	if (!mips_ct_equal(auth, p + HDR_FIXED + namelen, sizeof auth))
		return link_fail(&m->l, m->l.keylen ? "refused: authentication failed (wrong migrate_key?)"
						    : "refused: header check failed (corrupt stream)");
	char name[MIPS_NAME_MAX];
	for (uint32_t i = 0; i < namelen; i++) {
		char c = (char)p[HDR_FIXED + i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '_' || c == '.';
		if (!ok)
			return in_fail(m, "header name characters");
		name[i] = c;
	}
	name[namelen] = 0;
	m->text_end = get32(p + 16);
	if (!mips_snap_text_bounds_ok(m->text_end, get32(p + 20)))
		return in_fail(m, "header text bounds");
	if ((uint64_t)get32(p + 24) * MIPS_PAGE_SIZE > m->mem_limit)
		return link_fail(&m->l, "refused: the VM has %u KiB of memory, the limit here is %u KiB",
				 get32(p + 24) * (MIPS_PAGE_SIZE >> 10), m->mem_limit >> 10);
	if (!(m->vm = mips_vm_new(m->l.port, name, m->mem_limit)))
		return link_fail(&m->l, "refused: out of memory");
	m->vm->text_hash = get64(p + 8);
	m->vm->user_text_end = get32(p + 20);
	m->st = IN_ROUND;
	return true;
}

static bool in_round(struct mips_mig_in *m, const uint8_t *p, uint32_t n)
{
	if (n != ROND_SIZE)
		return in_fail(m, "round length");
	if (get32(p) != m->round || m->round >= IN_ROUNDS_MAX)
		return in_fail(m, "round number");
	if ((uint64_t)get32(p + 4) * MIPS_PAGE_SIZE > m->mem_limit || (get32(p + 8) & ~ROUND_F_FINAL))
		return in_fail(m, "round pages");
	m->pages_left = get32(p + 4);
	m->final = get32(p + 8) & ROUND_F_FINAL;
	if (m->final) {
		m->final_ns = now(&m->l);
		m->paused_before_ns = get64(p + 12);
		m->stats.final_pages = m->pages_left;
	}
	m->round++;
	m->stats.rounds = m->round;
	m->st = IN_PAGES;
	return true;
}

static bool in_page(struct mips_mig_in *m, const uint8_t *p, uint32_t n)
{
	if (n != 4 + MIPS_PAGE_SIZE)
		return in_fail(m, "page length");
	if (!mips_snap_page_addr_ok(get32(p)))
		return in_fail(m, "page address");
	if (!mips_vm_write(m->vm, get32(p), p + 4, MIPS_PAGE_SIZE))
		return link_fail(&m->l, "refused: the VM outgrew the memory limit of %u KiB", m->mem_limit >> 10);
	m->stats.pages++;
	return true;
}

static bool in_end(struct mips_mig_in *m, const uint8_t *p, uint32_t n, const uint8_t *digest)
{
	if (n != END_SIZE)
		return in_fail(m, "end length");
	if (get32(p) != m->records)
		return in_fail(m, "end record count");
	if (get64(p + 4) != m->l.received - 12 - n)
		return in_fail(m, "end byte count");
	if (!mips_ct_equal(p + 12, digest, MIPS_SHA256_SIZE))
		return in_fail(m, m->l.keylen ? "stream digest (HMAC-SHA256 with migrate_key)" : "stream digest");
	const char *bad = mips_vm_restore_finish(m->vm, m->text_end);
	if (bad)
		return in_fail(m, bad);
	char why[MIPS_MSG_MAX / 2] = "";
	if (m->admit && !m->admit(m->admit_ctx, m->vm, why, sizeof why))
		return link_fail(&m->l, "refused: %s", why);
	uint8_t proof[MIPS_SHA256_SIZE];
	struct mips_hmac h;
	hmac_start(&m->l, &h);
	mips_hmac_update(&h, ctx_ack, sizeof ctx_ack - 1);
	mips_hmac_update(&h, digest, MIPS_SHA256_SIZE);
	mips_hmac_final(&h, proof);
	link_record(&m->l, TAG_ACK, proof, sizeof proof, NULL, 0);
	m->st = IN_REPLY;
	return true;
}

/* Where the stream goes once a round's pages are in. */
static void in_round_done(struct mips_mig_in *m)
{
	if (m->pages_left == 0)
		m->st = m->final ? IN_CPU : IN_ROUND;
}

/* One whole record is in l.in: check its place in the stream and apply it. */
static bool in_record(struct mips_mig_in *m)
{
	uint32_t tag = get32(m->l.in), n = get32(m->l.in + 4);
	const uint8_t *p = m->l.in + 8;
	uint8_t digest[MIPS_SHA256_SIZE];
	const char *bad;
	bool ok = false;

	if (tag == TAG_END) {	/* the digest covers everything before this record */
		struct mips_hmac d = m->digest;
		mips_hmac_final(&d, digest);
	}
	mips_hmac_update(&m->digest, m->l.in, 12 + n);
	m->l.in_len = 0;
	switch (m->st) {
	case IN_HEADER:
		ok = tag == TAG_MHDR ? in_header(m, p, n) : in_fail(m, "header first");
		break;
	case IN_ROUND:
		ok = tag == TAG_ROND ? in_round(m, p, n) : in_fail(m, "round order");
		if (ok)
			in_round_done(m);
		break;
	case IN_PAGES:
		ok = tag == TAG_PAGE ? in_page(m, p, n) : in_fail(m, "round page count");
		m->pages_left--;
		in_round_done(m);
		break;
	case IN_CPU:
		if (tag != TAG_CPU || n != MIPS_CPU_RECORD_SIZE)
			ok = in_fail(m, "CPU record after the final round");
		else if ((bad = mips_snap_get_cpu(m->vm, p, m->text_end)) != NULL)
			ok = in_fail(m, bad);
		else if (m->vm->state != MIPS_VM_RUNNING)
			ok = in_fail(m, "CPU state running");
		else
			ok = true, m->st = IN_END;
		break;
	case IN_END:
		ok = tag == TAG_END ? in_end(m, p, n, digest) : in_fail(m, "end record last");
		break;
	default:
		ok = in_fail(m, "nothing after the end record");
	}
	m->records++;
	return ok;
}

/* Tells the sender why, once, on a best-effort basis: the connection is dropped right after. */
static void in_nak(struct mips_mig_in *m)
{
	size_t n = strlen(m->l.err);

	if (m->l.out_off < m->l.out_len)
		return;	/* the greeting is still going: the sender learns from the closed connection */
	link_record(&m->l, TAG_NAK, m->l.err, n < NAK_MAX ? n : NAK_MAX, NULL, 0);
	long r = m->l.io.send(m->l.io.ctx, m->l.out, m->l.out_len);
	(void)r;
}

enum mips_mig_status mips_mig_in_pump(struct mips_mig_in *m)
{
	while (m->l.status == MIPS_MIG_ACTIVE) {
		if (!link_flush(&m->l))
			break;
		if (m->st == IN_REPLY) {	/* the ACK has gone: the VM is the host's to resume */
			m->ready_ns = now(&m->l);
			m->st = IN_OVER;
			m->l.status = MIPS_MIG_DONE;
			break;
		}
		if (!link_read(&m->l, 0, m->st == IN_HEADER ? HDR_FIXED + MIPS_NAME_MAX + MIPS_SHA256_SIZE : REC_MAX,
			       "the source"))
			break;
		if (!m->first_ns)
			m->first_ns = m->l.last_move_ns;
		in_record(m);
	}
	if (m->l.status == MIPS_MIG_ACTIVE)
		link_timed_out(&m->l);
	if (m->l.status == MIPS_MIG_FAILED && !m->nak_sent) {
		m->nak_sent = true;
		in_nak(m);
	}
	return m->l.status;
}

const char *mips_mig_in_error(const struct mips_mig_in *m) { return m->l.err; }

void mips_mig_in_stats(const struct mips_mig_in *m, struct mips_mig_stats *st)
{
	uint64_t t = m->ready_ns ? m->ready_ns : now(&m->l);

	*st = m->stats;
	stats_common(&m->l, st);
	st->total_ns = m->first_ns ? t - m->first_ns : 0;
	st->downtime_ns = m->final_ns ? t - m->final_ns + m->paused_before_ns : 0;
}

struct mips_vm *mips_mig_in_take(struct mips_mig_in *m)
{
	struct mips_vm *vm = m->l.status == MIPS_MIG_DONE ? m->vm : NULL;

	if (vm)
		m->vm = NULL;
	return vm;
}

void mips_mig_in_free(struct mips_mig_in *m)
{
	if (!m)
		return;
	mips_vm_free(m->vm);
	mips_free(m->l.port, m, sizeof *m);
}

/* "N.N" of a nanosecond count in ms, for the report. */
static void put_ms(struct mips_strbuf *sb, uint64_t ns)
{
	uint64_t tenths = (ns + 50000) / 100000;
	mips_sb_printf(sb, "%llu.%llu ms", (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
}

void mips_mig_stats_format(const struct mips_mig_stats *st, char *buf, size_t cap)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	uint64_t kb_per_s = st->total_ns ? st->bytes * 1000000u / st->total_ns : 0;	/* bytes/ns*1e6 = KB/s */

	mips_sb_printf(&sb, "%u round%s, %llu pages (%llu in the paused round), %llu bytes, total ", st->rounds,
		       st->rounds == 1 ? "" : "s", (unsigned long long)st->pages, (unsigned long long)st->final_pages,
		       (unsigned long long)st->bytes);
	put_ms(&sb, st->total_ns);
	mips_sb_printf(&sb, ", downtime ");
	put_ms(&sb, st->downtime_ns);
	mips_sb_printf(&sb, ", %llu.%02llu MB/s", (unsigned long long)(kb_per_s / 1000),
		       (unsigned long long)(kb_per_s % 1000 / 10));
}

void mips_mig_out_outcome(const struct mips_mig_out *m, const char *target, char *buf, size_t cap)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	const char *name = m->vm->name;
	struct mips_mig_stats st;
	char line[MIPS_MSG_MAX];

	if (m->l.status == MIPS_MIG_DONE) {
		mips_mig_out_stats(m, &st);
		mips_mig_stats_format(&st, line, sizeof line);
		mips_sb_printf(&sb, "'%s' moved to %s: %s", name, target, line);
		return;
	}
	mips_sb_printf(&sb, "'%s' to %s failed: %s", name, target, m->l.err);
	if (m->vm->state == MIPS_VM_RUNNING || m->vm->state == MIPS_VM_BLOCKED)	/* not if it ended meanwhile */
		mips_sb_printf(&sb, "; '%s' continues here", name);
}

void mips_mig_in_outcome(const struct mips_mig_in *m, const char *peer, char *buf, size_t cap)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	struct mips_mig_stats st;
	char line[MIPS_MSG_MAX];

	if (m->l.status != MIPS_MIG_DONE || !m->vm) {
		mips_sb_printf(&sb, "from %s: %s; what arrived is discarded", peer, m->l.err);
		return;
	}
	mips_mig_in_stats(m, &st);
	mips_mig_stats_format(&st, line, sizeof line);
	mips_sb_printf(&sb, "'%s' received from %s: %s", m->vm->name, peer, line);
}
