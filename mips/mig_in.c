/* mig_in.c: the migration receiver: greeting, every record checked in order, the VM rebuilt, ACK or NAK. */
#include "mig_int.h"

#define IN_ROUNDS_MAX	1024u		/* a receiver's bound on rounds, against endless streams */

struct mips_mig_in *mips_mig_in_start(const struct mips_port *port, const struct mips_mig_config *cfg,
				      const struct mips_mig_io *io)
{
	struct mips_mig_in *m = mips_alloc(port, sizeof *m);
	uint8_t g[GREET_SIZE];

	if (!m)
		return NULL;
	mips_link_init(&m->l, port, cfg, io);
	m->mem_limit = cfg->mem_limit ? cfg->mem_limit : MIPS_DEFAULT_MEM_LIMIT;
	m->limit_name = cfg->limit_name ? cfg->limit_name : "memory";
	m->host_name = cfg->host_name ? cfg->host_name : "this host";
	m->admit = cfg->admit;
	m->admit_ctx = cfg->admit_ctx;
	mips_link_hmac(&m->l, &m->digest);
	mips_hmac_update(&m->digest, m->l.nonce, MIPS_MIG_NONCE_SIZE);
	memcpy(g, MIG_MAGIC, 8);
	mips_put32(g + 8, MIG_VERSION);
	mips_put32(g + 12, m->l.keylen ? MIG_F_KEYED : 0);
	mips_put32(g + 16, m->mem_limit);
	memcpy(g + 20, m->l.nonce, MIPS_MIG_NONCE_SIZE);
	mips_put32(g + GREET_SIZE - 4, mips_crc32(0, g, GREET_SIZE - 4));
	mips_link_raw(&m->l, g, sizeof g);
	return m;
}

static bool in_fail(struct mips_mig_in *m, const char *check)
{
	return mips_link_fail(&m->l, "refused: %s check failed in record %u", check, m->records);
}

/* The VM's own limit here is reached: a refusal that names it. */
static bool in_over_limit(struct mips_mig_in *m, uint64_t pages)
{
	return mips_link_fail(&m->l, "refused: the VM needs more than its %s limit of %u KiB here (%llu KiB)",
			      m->limit_name, m->mem_limit >> 10, (unsigned long long)pages * (MIPS_PAGE_SIZE >> 10));
}

/* The host's allocator refused, well inside the VM's limit: a refusal that says whose memory it was. */
static bool in_host_out_of_memory(struct mips_mig_in *m)
{
	size_t kib = m->vm ? mips_vm_page_count(m->vm) * (MIPS_PAGE_SIZE >> 10) : 0;

	return mips_link_fail(&m->l, "refused: %s's free memory ran out at %zu KiB of the VM (not its %s limit of %u KiB)",
			      m->host_name, kib, m->limit_name, m->mem_limit >> 10);
}

static bool in_header(struct mips_mig_in *m, const uint8_t *p, uint32_t n)
{
	if (n < HDR_FIXED + MIPS_SHA256_SIZE)
		return in_fail(m, "header length");
	uint32_t namelen = mips_get32(p + 28);
	if (namelen == 0 || namelen >= MIPS_NAME_MAX || n != HDR_FIXED + namelen + MIPS_SHA256_SIZE)
		return in_fail(m, "header name length");
	if (mips_get32(p) != MIG_VERSION)
		return in_fail(m, "header version");
	if (mips_get32(p + 4) & ~MIG_F_KEYED)
		return in_fail(m, "header flags (unknown bits)");
	bool keyed = mips_get32(p + 4) & MIG_F_KEYED;
	if (keyed != (m->l.keylen != 0))
		return mips_link_fail(&m->l, keyed ? "refused: the stream is authenticated but no migrate_key is set here"
					      : "refused: a migrate_key is required and the stream has none");
	uint8_t auth[MIPS_SHA256_SIZE];
	struct mips_hmac h;
	mips_link_hmac(&m->l, &h);
	mips_hmac_update(&h, MIG_CTX_HDR, sizeof MIG_CTX_HDR - 1);
	mips_hmac_update(&h, m->l.nonce, MIPS_MIG_NONCE_SIZE);
	mips_hmac_update(&h, p, HDR_FIXED + namelen);
	mips_hmac_final(&h, auth);
	if (!mips_ct_equal(auth, p + HDR_FIXED + namelen, sizeof auth))
		return mips_link_fail(&m->l, m->l.keylen ? "refused: authentication failed (wrong migrate_key?)"
						    : "refused: header check failed (corrupt stream)");
	char name[MIPS_NAME_MAX];
	if (!mips_vm_name_ok((const char *)p + HDR_FIXED, namelen))
		return in_fail(m, "header name characters");
	memcpy(name, p + HDR_FIXED, namelen);
	name[namelen] = 0;
	m->text_end = mips_get32(p + 16);
	if (!mips_snap_text_bounds_ok(m->text_end, mips_get32(p + 20)))
		return in_fail(m, "header text bounds");
	if ((uint64_t)mips_get32(p + 24) * MIPS_PAGE_SIZE > m->mem_limit)
		return in_over_limit(m, mips_get32(p + 24));
	if (!(m->vm = mips_vm_new(m->l.port, name, m->mem_limit)))
		return in_host_out_of_memory(m);
	m->vm->text_hash = mips_get64(p + 8);
	m->vm->user_text_end = mips_get32(p + 20);
	m->st = IN_ROUND;
	return true;
}

static bool in_round(struct mips_mig_in *m, const uint8_t *p, uint32_t n)
{
	if (n != ROND_SIZE)
		return in_fail(m, "round length");
	if (mips_get32(p) != m->round || m->round >= IN_ROUNDS_MAX)
		return in_fail(m, "round number");
	if ((uint64_t)mips_get32(p + 4) * MIPS_PAGE_SIZE > m->mem_limit || (mips_get32(p + 8) & ~ROUND_F_FINAL))
		return in_fail(m, "round pages");
	m->pages_left = mips_get32(p + 4);
	m->final = mips_get32(p + 8) & ROUND_F_FINAL;
	if (m->final) {
		m->final_ns = mips_link_now(&m->l);
		m->paused_before_ns = mips_get64(p + 12);
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
	if (!mips_snap_page_addr_ok(mips_get32(p)))
		return in_fail(m, "page address");
	if (!mips_vm_write(m->vm, mips_get32(p), p + 4, MIPS_PAGE_SIZE)) {	/* a new page: which memory ran out? */
		uint64_t pages = mips_vm_page_count(m->vm) + 1;
		return pages * MIPS_PAGE_SIZE > m->mem_limit ? in_over_limit(m, pages) : in_host_out_of_memory(m);
	}
	m->stats.pages++;
	return true;
}

static bool in_end(struct mips_mig_in *m, const uint8_t *p, uint32_t n, const uint8_t *digest)
{
	if (n != END_SIZE)
		return in_fail(m, "end length");
	if (mips_get32(p) != m->records)
		return in_fail(m, "end record count");
	if (mips_get64(p + 4) != m->l.received - 12 - n)
		return in_fail(m, "end byte count");
	if (!mips_ct_equal(p + 12, digest, MIPS_SHA256_SIZE))
		return in_fail(m, m->l.keylen ? "stream digest (HMAC-SHA256 with migrate_key)" : "stream digest");
	const char *bad = mips_vm_restore_finish(m->vm, m->text_end);
	if (bad)
		return in_fail(m, bad);
	uint8_t extra;	/* the sender waits for our reply: anything already here is not part of the VM */
	if (m->l.io.recv(m->l.io.ctx, &extra, 1) > 0) {
		m->l.received++;
		m->records++;
		return in_fail(m, "nothing after the end record");
	}
	char why[MIPS_MSG_MAX / 2] = "";
	if (m->admit && !m->admit(m->admit_ctx, m->vm, why, sizeof why))
		return mips_link_fail(&m->l, "refused: %s", why);
	uint8_t proof[MIPS_SHA256_SIZE];
	struct mips_hmac h;
	mips_link_hmac(&m->l, &h);
	mips_hmac_update(&h, MIG_CTX_ACK, sizeof MIG_CTX_ACK - 1);
	mips_hmac_update(&h, digest, MIPS_SHA256_SIZE);
	mips_hmac_final(&h, proof);
	mips_link_record(&m->l, TAG_ACK, proof, sizeof proof, NULL, 0);
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
	uint32_t tag = mips_get32(m->l.in), n = mips_get32(m->l.in + 4);
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
		else if ((bad = mips_snap_get_cpu(m->vm, p, n, m->text_end)) != NULL)
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
	mips_link_record(&m->l, TAG_NAK, m->l.err, n < NAK_MAX ? n : NAK_MAX, NULL, 0);
	long r = m->l.io.send(m->l.io.ctx, m->l.out, m->l.out_len);
	(void)r;
}

enum mips_mig_status mips_mig_in_pump(struct mips_mig_in *m)
{
	while (m->l.status == MIPS_MIG_ACTIVE) {
		if (!mips_link_flush(&m->l))
			break;
		if (m->st == IN_REPLY) {	/* the ACK has gone: the VM is the host's to resume */
			m->ready_ns = mips_link_now(&m->l);
			m->st = IN_OVER;
			m->l.status = MIPS_MIG_DONE;
			break;
		}
		if (!mips_link_read(&m->l, 0, m->st == IN_HEADER ? HDR_FIXED + MIPS_NAME_MAX + MIPS_SHA256_SIZE : REC_MAX,
			       "the source"))
			break;
		if (!m->first_ns)
			m->first_ns = m->l.last_move_ns;
		in_record(m);
	}
	if (m->l.status == MIPS_MIG_ACTIVE)
		mips_link_timed_out(&m->l);
	if (m->l.status == MIPS_MIG_FAILED && !m->nak_sent) {
		m->nak_sent = true;
		in_nak(m);
	}
	return m->l.status;
}

const char *mips_mig_in_error(const struct mips_mig_in *m) { return m->l.err; }
bool mips_mig_in_authenticated(const struct mips_mig_in *m) { return m->round > 0; }

void mips_mig_in_stats(const struct mips_mig_in *m, struct mips_mig_stats *st)
{
	uint64_t t = m->ready_ns ? m->ready_ns : mips_link_now(&m->l);

	*st = m->stats;
	st->bytes = m->l.sent + m->l.received;
	st->total_ns = m->first_ns ? t - m->first_ns : 0;
	/* The sender's pause before its final round is its word; it cannot have been paused before
	 * our first byte arrived, so what we report stays inside what we measured ourselves. */
	uint64_t before = m->final_ns ? m->final_ns - m->first_ns : 0;
	before = m->paused_before_ns < before ? m->paused_before_ns : before;
	st->downtime_ns = m->final_ns ? t - m->final_ns + before : 0;
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
