/* mig_out.c: the migration sender: greeting check, pre-copy rounds, the paused round, CPU, end, answer. */
#include "mig_int.h"

#define PUMP_BYTES		(256u << 10)	/* most bytes one pump produces */
#define DEFAULT_ROUNDS		30u
#define DEFAULT_DOWNTIME_NS	5000000ull

struct mips_mig_out *mips_mig_out_start(struct mips_vm *vm, const struct mips_mig_config *cfg,
					const struct mips_mig_io *io)
{
	struct mips_mig_out *m = mips_alloc(vm->port, sizeof *m);

	if (!m)
		return NULL;
	mips_link_init(&m->l, vm->port, cfg, io);
	m->vm = vm;
	vm->migrating = true;
	m->paused_from = MIPS_VM_PAUSED;
	m->max_rounds = cfg->max_rounds ? cfg->max_rounds : DEFAULT_ROUNDS;
	m->max_downtime_ns = cfg->max_downtime_ns ? cfg->max_downtime_ns : DEFAULT_DOWNTIME_NS;
	mips_link_hmac(&m->l, &m->digest);	/* the nonce goes in first, once the greeting brings it */
	return m;
}

/* Hands the VM back to its scheduler, if this sender paused it. */
static void out_resume(struct mips_mig_out *m)
{
	struct mips_vm *vm = m->vm;

	if (vm->exit_parked && vm->state == MIPS_VM_PAUSED)
		vm->state = MIPS_VM_RUNNING;	/* its exit syscall runs again, here */
	else if (m->paused_from != MIPS_VM_PAUSED && vm->state == MIPS_VM_PAUSED)
		vm->state = m->paused_from;
	m->paused_from = MIPS_VM_PAUSED;
	vm->migrating = vm->exit_parked = false;
}

/* Frames a record into the out buffer, counted into the digest. */
static void out_record(struct mips_mig_out *m, uint32_t tag, const void *head, size_t hn, const void *body, size_t bn)
{
	mips_link_record(&m->l, tag, head, hn, body, bn);
	mips_hmac_update(&m->digest, m->l.out, m->l.out_len);
	m->records++;
}

static bool out_greeting(struct mips_mig_out *m)
{
	const uint8_t *g = m->l.in;

	if (!mips_link_read(&m->l, GREET_SIZE, 0, "the destination"))
		return false;
	if (memcmp(g, MIG_MAGIC, 8) || mips_get32(g + GREET_SIZE - 4) != mips_crc32(0, g, GREET_SIZE - 4))
		return mips_link_fail(&m->l, "the destination is not a Tally migration receiver (bad greeting)");
	if (mips_get32(g + 8) != MIG_VERSION)
		return mips_link_fail(&m->l, "the destination speaks migration version %u, this end %u", mips_get32(g + 8),
				 MIG_VERSION);
	bool key_required = mips_get32(g + 12) & MIG_F_KEYED;
	if (key_required && !m->l.keylen)
		return mips_link_fail(&m->l, "the destination requires a migrate_key and none is set here");
	if (!key_required && m->l.keylen)
		return mips_link_fail(&m->l, "a migrate_key is set here but the destination has none");
	uint64_t need = (uint64_t)mips_vm_page_count(m->vm) * MIPS_PAGE_SIZE;
	if (need > mips_get32(g + 16))
		return mips_link_fail(&m->l, "the VM has %llu KiB of memory; the destination accepts %u KiB",
				 (unsigned long long)(need >> 10), mips_get32(g + 16) >> 10);
	memcpy(m->l.nonce, g + 8 + 12, MIPS_MIG_NONCE_SIZE);
	m->l.in_len = 0;
	mips_hmac_update(&m->digest, m->l.nonce, MIPS_MIG_NONCE_SIZE);

	uint8_t h[HDR_FIXED + MIPS_NAME_MAX + MIPS_SHA256_SIZE];
	uint32_t namelen = (uint32_t)strlen(m->vm->name);
	mips_put32(h, MIG_VERSION);
	mips_put32(h + 4, m->l.keylen ? MIG_F_KEYED : 0);
	mips_put64(h + 8, m->vm->text_hash);
	mips_put32(h + 16, MIPS_TEXT_BASE + m->vm->nops * 4);
	mips_put32(h + 20, m->vm->user_text_end);
	mips_put32(h + 24, (uint32_t)mips_vm_page_count(m->vm));
	mips_put32(h + 28, namelen);
	memcpy(h + HDR_FIXED, m->vm->name, namelen);
	struct mips_hmac auth;
	mips_link_hmac(&m->l, &auth);
	mips_hmac_update(&auth, MIG_CTX_HDR, sizeof MIG_CTX_HDR - 1);
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
	uint32_t cursor = 0, addr;
	const uint8_t *page;
	bool dirty;

	m->list_len = m->list_next = 0;
	while (mips_mem_next_page(m->vm, &cursor, &addr, &page, &dirty))
		if ((all || dirty) && !list_add(m, addr))
			return mips_link_fail(&m->l, "out of memory listing pages");
	mips_vm_clear_dirty(m->vm);
	return true;
}

static size_t count_dirty(const struct mips_vm *vm)
{
	uint32_t cursor = 0, addr;
	const uint8_t *page;
	bool dirty;
	size_t n = 0;

	while (mips_mem_next_page(vm, &cursor, &addr, &page, &dirty))
		n += dirty;
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
	uint64_t t = mips_link_now(&m->l);

	bool parked = vm->state == MIPS_VM_PAUSED && vm->exit_parked;	/* waits at its exit */

	if (!parked && vm->state != MIPS_VM_RUNNING && vm->state != MIPS_VM_BLOCKED)
		return mips_link_fail(&m->l, "the VM %s during the transfer; nothing moved",
				 vm->state == MIPS_VM_EXITED ? "exited" : "stopped");
	if (m->stats.rounds && !mips_link_drained(&m->l))
		return false;	/* the last round is still on its way: its dirty pages are not all in yet */
	if (m->stats.rounds) {	/* the rate of the round just produced */
		uint64_t dt = t - m->round_start_ns, db = m->l.sent - m->round_bytes_start;
		if (dt > 0 && db > 0)
			m->bytes_per_s = db * 1000000000u / dt;
		m->final = time_to_pause(m, count_dirty(vm));
	}
	if (parked)
		m->final = true;	/* nothing more will change: this round is the last */
	if (m->final) {
		m->paused_from = parked ? MIPS_VM_RUNNING : vm->state;
		vm->state = MIPS_VM_PAUSED;
		m->pause_ns = t;
	}
	if (!collect_pages(m, m->stats.rounds == 0))
		return false;
	uint8_t r[ROND_SIZE];
	mips_put32(r, m->stats.rounds);
	mips_put32(r + 4, (uint32_t)m->list_len);
	mips_put32(r + 8, m->final ? ROUND_F_FINAL : 0);
	mips_put64(r + 12, m->final ? mips_link_now(&m->l) - m->pause_ns : 0);
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
	uint8_t a[4];
	mips_put32(a, addr);
	out_record(m, TAG_PAGE, a, 4, mips_mem_page(m->vm, addr), MIPS_PAGE_SIZE);
	m->stats.pages++;
}

static void out_end(struct mips_mig_out *m)
{
	uint8_t e[END_SIZE];
	struct mips_hmac d = m->digest;

	mips_put32(e, m->records);
	mips_put64(e + 4, m->l.sent);	/* the out buffer is empty: the loop flushed it */
	mips_hmac_final(&d, m->digest_out);
	memcpy(e + 12, m->digest_out, MIPS_SHA256_SIZE);
	out_record(m, TAG_END, e, sizeof e, NULL, 0);
	m->st = OUT_ACK;
}

/* The destination's answer: an ACK proving it saw our digest, or a NAK with its reason. */
static bool out_answer(struct mips_mig_out *m)
{
	if (!mips_link_read(&m->l, 0, NAK_MAX, "the destination"))
		return false;
	uint32_t tag = mips_get32(m->l.in), n = mips_get32(m->l.in + 4);
	const uint8_t *p = m->l.in + 8;
	if (tag == TAG_NAK) {
		char why[NAK_MAX + 1];
		for (uint32_t i = 0; i < n; i++)
			why[i] = p[i] >= ' ' && p[i] < 0x7f ? (char)p[i] : '?';
		why[n] = 0;
		return mips_link_fail(&m->l, "the destination refused the VM: %s", why);
	}
	if (m->st != OUT_ACK)
		return mips_link_fail(&m->l, "the destination answered before the stream ended");
	uint8_t proof[MIPS_SHA256_SIZE];
	struct mips_hmac h;
	mips_link_hmac(&m->l, &h);
	mips_hmac_update(&h, MIG_CTX_ACK, sizeof MIG_CTX_ACK - 1);
	mips_hmac_update(&h, m->digest_out, sizeof m->digest_out);
	mips_hmac_final(&h, proof);
	if (tag != TAG_ACK || n != MIPS_SHA256_SIZE || !mips_ct_equal(p, proof, sizeof proof))
		return mips_link_fail(&m->l, "the destination's acknowledgement is wrong");
	m->end_ns = mips_link_now(&m->l);
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
		if (!mips_link_flush(&m->l) || m->l.sent >= budget_end)
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
		mips_link_timed_out(&m->l);
	if (m->l.status == MIPS_MIG_FAILED)
		out_resume(m);
	return m->l.status;
}

const char *mips_mig_out_error(const struct mips_mig_out *m) { return m->l.err; }
struct mips_vm *mips_mig_out_vm(const struct mips_mig_out *m) { return m->vm; }

void mips_mig_out_stats(const struct mips_mig_out *m, struct mips_mig_stats *st)
{
	uint64_t t = m->end_ns ? m->end_ns : mips_link_now(&m->l);

	*st = m->stats;
	st->bytes = m->l.sent + m->l.received;
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
