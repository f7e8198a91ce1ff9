/* mig_link.c: the migration link: framed records each way over a non-blocking transport, failures, timeout. */
#include "mig_int.h"

#define DEFAULT_TIMEOUT_NS	10000000000ull

uint64_t mips_link_now(const struct mips_mig_link *l) { return l->port->clock_ns(l->port->ud); }

void mips_link_init(struct mips_mig_link *l, const struct mips_port *port, const struct mips_mig_config *cfg,
		    const struct mips_mig_io *io)
{
	l->port = port;
	l->io = *io;
	l->keylen = cfg->key && cfg->keylen <= MIPS_MIG_KEY_MAX ? cfg->keylen : 0;
	if (l->keylen)
		memcpy(l->key, cfg->key, l->keylen);
	memcpy(l->nonce, cfg->nonce, sizeof l->nonce);
	l->timeout_ns = cfg->timeout_ns ? cfg->timeout_ns : DEFAULT_TIMEOUT_NS;
	l->start_ns = l->last_move_ns = mips_link_now(l);
	l->status = MIPS_MIG_ACTIVE;
}

bool mips_link_fail(struct mips_mig_link *l, const char *fmt, ...)
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

void mips_link_hmac(const struct mips_mig_link *l, struct mips_hmac *h)
{
	mips_hmac_init(h, l->key, l->keylen);
}

/* Frames a record into the out buffer (which must be empty). */
void mips_link_record(struct mips_mig_link *l, uint32_t tag, const void *head, size_t hn, const void *body,
		      size_t bn)
{
	l->out_len = mips_wire_record(l->out, tag, head, hn, body, bn);
	l->out_off = 0;
}

void mips_link_raw(struct mips_mig_link *l, const void *buf, size_t n)
{
	memcpy(l->out, buf, n);
	l->out_len = n;
	l->out_off = 0;
}

/* Sends what is buffered; true once it has all gone. */
bool mips_link_flush(struct mips_mig_link *l)
{
	while (l->out_off < l->out_len) {
		long n = l->io.send(l->io.ctx, l->out + l->out_off, l->out_len - l->out_off);
		if (n == MIPS_IO_AGAIN)
			return false;
		if (n < 0 || (size_t)n > l->out_len - l->out_off)
			return mips_link_fail(l, "connection failed: %s", l->io.error(l->io.ctx));
		l->out_off += (size_t)n;
		l->sent += (uint64_t)n;
		l->last_move_ns = mips_link_now(l);
	}
	return true;
}

/*
 * Reads towards a whole record (or want raw bytes when want is non-zero); true when one is in
 * l->in. Refuses payloads longer than max before reading them.
 */
bool mips_link_read(struct mips_mig_link *l, size_t want, uint32_t max, const char *peer)
{
	for (;;) {
		size_t need = want;
		if (want && l->in_len == want)
			return true;
		if (!want) {
			struct mips_wire_rec rec;
			switch (mips_wire_check(l->in, l->in_len, max, &rec)) {
			case MIPS_WIRE_OK:
				return true;
			case MIPS_WIRE_TOO_LONG:
				return mips_link_fail(l, "%s sent a record of %u bytes (at most %u expected)", peer,
						 rec.len, max);
			case MIPS_WIRE_BAD_CRC:
				return mips_link_fail(l, "%s sent a record with a bad CRC", peer);
			case MIPS_WIRE_SHORT_HEAD:
			case MIPS_WIRE_SHORT_BODY:
				need = rec.size ? rec.size : MIPS_WIRE_HEAD;
				break;
			}
		}
		long n = l->io.recv(l->io.ctx, l->in + l->in_len, need - l->in_len);
		if (n == MIPS_IO_AGAIN)
			return false;
		if (n == MIPS_IO_EOF)
			return mips_link_fail(l, "%s closed the connection %s", peer,
					 l->in_len ? "in the middle of a record" : "early");
		if (n < 0 || (size_t)n > need - l->in_len)
			return mips_link_fail(l, "connection failed: %s", l->io.error(l->io.ctx));
		l->in_len += (size_t)n;
		l->received += (uint64_t)n;
		l->last_move_ns = mips_link_now(l);
	}
}

/* True when everything sent has been acknowledged; a shrinking queue counts as movement. */
bool mips_link_drained(struct mips_mig_link *l)
{
	size_t p = l->io.pending ? l->io.pending(l->io.ctx) : 0;

	if (p < l->pending)
		l->last_move_ns = mips_link_now(l);
	l->pending = p;
	return p == 0;
}

bool mips_link_timed_out(struct mips_mig_link *l)
{
	if (mips_link_now(l) - l->last_move_ns < l->timeout_ns)
		return false;
	return mips_link_fail(l, "timed out: nothing moved for %llu ms", (unsigned long long)(l->timeout_ns / 1000000u));
}
