/* sha256.c: SHA-256 after FIPS 180-4 (sections cited below) and HMAC-SHA256 after RFC 2104. */
#include "sha256.h"

/* FIPS 180-4, 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4, 5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* HMAC pads (RFC 2104, 2). */
#define HMAC_IPAD 0x36
#define HMAC_OPAD 0x5c

static inline uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* FIPS 180-4, 4.1.2: the six logical functions. */
static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) ^ (~x & z);
}

static inline uint32_t maj(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) ^ (x & z) ^ (y & z);
}

static inline uint32_t big_sigma0(uint32_t x)
{
	return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}

static inline uint32_t big_sigma1(uint32_t x)
{
	return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}

static inline uint32_t small_sigma0(uint32_t x)
{
	return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}

static inline uint32_t small_sigma1(uint32_t x)
{
	return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}

/* SHA-256 words are big-endian (FIPS 180-4, 3.1). */
static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* FIPS 180-4, 6.2.2: one 512-bit block into the intermediate hash h. */
static void sha256_block(uint32_t h[8], const uint8_t *block)
{
	uint32_t w[64];

	for (int t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (int t = 16; t < 64; t++)
		w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];

	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = hh + big_sigma1(e) + ch(e, f, g) + sha256_k[t] + w[t];
		uint32_t t2 = big_sigma0(a) + maj(a, b, c);
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

void mips_sha256_init(struct mips_sha256 *s)
{
	memcpy(s->h, sha256_h0, sizeof(s->h));
	s->len = 0;
	s->nbuf = 0;
}

void mips_sha256_update(struct mips_sha256 *s, const void *p, size_t n)
{
	const uint8_t *in = p;

	/* p may be NULL when n is 0; memcpy must not see it then. */
	if (n == 0)
		return;
	s->len += n;
	if (s->nbuf) {
		size_t take = MIPS_SHA256_BLOCK - s->nbuf;
		if (take > n)
			take = n;
		memcpy(s->buf + s->nbuf, in, take);
		s->nbuf += take;
		in += take;
		n -= take;
		if (s->nbuf < MIPS_SHA256_BLOCK)
			return;
		sha256_block(s->h, s->buf);
		s->nbuf = 0;
	}
	for (; n >= MIPS_SHA256_BLOCK; in += MIPS_SHA256_BLOCK, n -= MIPS_SHA256_BLOCK)
		sha256_block(s->h, in);
	if (n) {
		memcpy(s->buf, in, n);
		s->nbuf = n;
	}
}

/* FIPS 180-4, 5.1.1: a 1 bit, zeros up to 448 mod 512 bits, then the message length in bits (64-bit big-endian). */
void mips_sha256_final(struct mips_sha256 *s, uint8_t out[MIPS_SHA256_SIZE])
{
	uint64_t bits = s->len * 8;

	s->buf[s->nbuf++] = 0x80;
	if (s->nbuf > MIPS_SHA256_BLOCK - 8) {
		memset(s->buf + s->nbuf, 0, MIPS_SHA256_BLOCK - s->nbuf);
		sha256_block(s->h, s->buf);
		s->nbuf = 0;
	}
	memset(s->buf + s->nbuf, 0, MIPS_SHA256_BLOCK - 8 - s->nbuf);
	store_be32(s->buf + MIPS_SHA256_BLOCK - 8, (uint32_t)(bits >> 32));
	store_be32(s->buf + MIPS_SHA256_BLOCK - 4, (uint32_t)bits);
	sha256_block(s->h, s->buf);
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, s->h[i]);
	/* The state and the last block may hold secrets (HMAC keys, message tails). */
	memset(s, 0, sizeof(*s));
}

void mips_sha256(const void *p, size_t n, uint8_t out[MIPS_SHA256_SIZE])
{
	struct mips_sha256 s;

	mips_sha256_init(&s);
	mips_sha256_update(&s, p, n);
	mips_sha256_final(&s, out);
}

/* RFC 2104, 2: K is zero-padded to a block (hashed first when longer); the inner hash starts with K ^ ipad. */
void mips_hmac_init(struct mips_hmac *h, const void *key, size_t keylen)
{
	uint8_t k0[MIPS_SHA256_BLOCK] = { 0 };
	uint8_t ikey[MIPS_SHA256_BLOCK];

	if (keylen > MIPS_SHA256_BLOCK)
		mips_sha256(key, keylen, k0);
	else if (keylen)
		memcpy(k0, key, keylen);
	for (int i = 0; i < MIPS_SHA256_BLOCK; i++) {
		ikey[i] = k0[i] ^ HMAC_IPAD;
		h->okey[i] = k0[i] ^ HMAC_OPAD;
	}
	mips_sha256_init(&h->inner);
	mips_sha256_update(&h->inner, ikey, sizeof(ikey));
	memset(k0, 0, sizeof(k0));
	memset(ikey, 0, sizeof(ikey));
}

void mips_hmac_update(struct mips_hmac *h, const void *p, size_t n)
{
	mips_sha256_update(&h->inner, p, n);
}

/* HMAC = H(K ^ opad, H(K ^ ipad, text)). */
void mips_hmac_final(struct mips_hmac *h, uint8_t out[MIPS_SHA256_SIZE])
{
	uint8_t ihash[MIPS_SHA256_SIZE];
	struct mips_sha256 outer;

	mips_sha256_final(&h->inner, ihash);
	mips_sha256_init(&outer);
	mips_sha256_update(&outer, h->okey, sizeof(h->okey));
	mips_sha256_update(&outer, ihash, sizeof(ihash));
	mips_sha256_final(&outer, out);
	memset(h->okey, 0, sizeof(h->okey));
	memset(ihash, 0, sizeof(ihash));
}

void mips_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[MIPS_SHA256_SIZE])
{
	struct mips_hmac h;

	mips_hmac_init(&h, key, keylen);
	mips_hmac_update(&h, p, n);
	mips_hmac_final(&h, out);
}

/* OR the differences together with no early exit, so the time does not tell where a MAC went wrong. */
bool mips_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}
