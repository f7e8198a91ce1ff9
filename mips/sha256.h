/* sha256.h: SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and a constant-time byte comparison. */
#ifndef MIPS_SHA256_H
#define MIPS_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define MIPS_SHA256_SIZE	32	/* digest bytes */
#define MIPS_SHA256_BLOCK	64	/* message block bytes (FIPS 180-4, 1) */

/* An incremental hash: init, any number of updates, final (which wipes the state). */
struct mips_sha256 {
	uint32_t h[8];			/* intermediate hash value H(i) */
	uint64_t len;			/* message bytes so far */
	uint8_t buf[MIPS_SHA256_BLOCK];	/* the partial block */
	size_t nbuf;			/* bytes in buf, always < MIPS_SHA256_BLOCK */
};

void mips_sha256_init(struct mips_sha256 *s);
void mips_sha256_update(struct mips_sha256 *s, const void *p, size_t n);
void mips_sha256_final(struct mips_sha256 *s, uint8_t out[MIPS_SHA256_SIZE]);
void mips_sha256(const void *p, size_t n, uint8_t out[MIPS_SHA256_SIZE]);

/* HMAC-SHA256: the inner hash already holds K ^ ipad; okey is K ^ opad for the outer hash. */
struct mips_hmac {
	struct mips_sha256 inner;
	uint8_t okey[MIPS_SHA256_BLOCK];
};

/* Any key length, 0 included; keys longer than a block are hashed first (RFC 2104, 2). */
void mips_hmac_init(struct mips_hmac *h, const void *key, size_t keylen);
void mips_hmac_update(struct mips_hmac *h, const void *p, size_t n);
void mips_hmac_final(struct mips_hmac *h, uint8_t out[MIPS_SHA256_SIZE]);
void mips_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[MIPS_SHA256_SIZE]);

/* Constant-time comparison of n bytes: true when equal. Time depends on n only, not on where they differ. */
bool mips_ct_equal(const void *a, const void *b, size_t n);

#endif
