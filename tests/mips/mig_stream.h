/* mig_stream.h: helpers for crafted migration streams (tests and fuzzing): an in-memory feed, and
 * resealing an edited sender stream (CRCs, header auth, END counts and digest) for an unkeyed receiver. */
#ifndef TESTS_MIPS_MIG_STREAM_H
#define TESTS_MIPS_MIG_STREAM_H

#include <string.h>

#include "mips/mips.h"
#include "mips/sha256.h"
#include "mips/wire.h"

/* The sender's bytes, handed out as the receiver asks; what the receiver sends is dropped. */
struct ms_feed {
	const uint8_t *p;
	size_t len, off;
};

static long ms_feed_recv(void *ctx, void *buf, size_t n)
{
	struct ms_feed *f = ctx;

	if (f->off == f->len)
		return MIPS_IO_EOF;
	if (n > f->len - f->off)
		n = f->len - f->off;
	memcpy(buf, f->p + f->off, n);
	f->off += n;
	return (long)n;
}

static long ms_feed_send(void *ctx, const void *buf, size_t n)
{
	(void)ctx, (void)buf;
	return (long)n;
}

static const char *ms_feed_error(void *ctx)
{
	(void)ctx;
	return "feed error";
}

/* The payload of the nth record with this tag (0 first), NULL if none. */
static inline uint8_t *ms_find(uint8_t *s, size_t len, uint32_t tag, int nth)
{
	for (size_t off = 0; off + 12 <= len; off += 12 + mips_get32(s + off + 4)) {
		if (mips_get32(s + off + 4) > len - off - 12)
			return NULL;
		if (mips_get32(s + off) == tag && (tag != MIPS_WIRE_TAG('R', 'O', 'N', 'D') || !nth ||
						   (mips_get32(s + off + 16) & 1)))
			return s + off + 8;
	}
	return NULL;
}

/* Makes an edited unkeyed stream consistent again, record by record, as far as its lengths allow. */
static inline void ms_reseal(uint8_t *s, size_t len, const uint8_t nonce[MIPS_MIG_NONCE_SIZE])
{
	uint32_t count = 0;

	for (size_t off = 0; off + 12 <= len; off += 12 + mips_get32(s + off + 4), count++) {
		uint32_t tag = mips_get32(s + off), n = mips_get32(s + off + 4);
		uint8_t *p = s + off + 8;
		if (n > len - off - 12)
			return;
		if (tag == MIPS_WIRE_TAG('M', 'H', 'D', 'R') && n >= MIPS_SHA256_SIZE) {
			struct mips_hmac h;
			mips_hmac_init(&h, NULL, 0);
			mips_hmac_update(&h, "TALLYMIG-HDR", 12);
			mips_hmac_update(&h, nonce, MIPS_MIG_NONCE_SIZE);
			mips_hmac_update(&h, p, n - MIPS_SHA256_SIZE);
			mips_hmac_final(&h, p + n - MIPS_SHA256_SIZE);
		}
		if (tag == MIPS_WIRE_TAG('E', 'N', 'D', ' ') && n == 12 + MIPS_SHA256_SIZE) {
			struct mips_hmac h;
			mips_put32(p, count);
			mips_put64(p + 4, off);
			mips_hmac_init(&h, NULL, 0);
			mips_hmac_update(&h, nonce, MIPS_MIG_NONCE_SIZE);
			mips_hmac_update(&h, s, off);
			mips_hmac_final(&h, p + 12);
		}
		mips_put32(p + n, mips_crc32(0, s + off, 8 + n));
	}
}

#endif
