/* test_mips_sha256.c: SHA-256 and HMAC-SHA256 against FIPS 180 and RFC 4231 vectors, chunked updates, ct_equal. */
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "mips/sha256.h"

/* Decodes the hex string into out (at most cap bytes); returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (; hex[0] && hex[1] && n < cap; hex += 2) {
		unsigned v;
		if (sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* The first n bytes of digest are exactly the hex vector (which must be n bytes long). */
static bool same(const uint8_t *digest, const char *hex, size_t n)
{
	uint8_t want[MIPS_SHA256_SIZE];

	return unhex(hex, want, sizeof(want)) == n && memcmp(digest, want, n) == 0;
}

/* Hashes msg with updates of the given chunk sizes (cycled until the message ends). */
static void sha256_chunked(const uint8_t *msg, size_t len, const size_t *chunks, size_t nchunks, uint8_t *out)
{
	struct mips_sha256 s;
	size_t off = 0;

	mips_sha256_init(&s);
	for (size_t i = 0; off < len; i++) {
		size_t n = chunks[i % nchunks];
		if (n > len - off)
			n = len - off;
		mips_sha256_update(&s, msg + off, n);
		off += n;
	}
	mips_sha256_final(&s, out);
}

static void hmac_chunked(const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len, size_t chunk,
			 uint8_t *out)
{
	struct mips_hmac h;

	mips_hmac_init(&h, key, keylen);
	for (size_t off = 0; off < len; off += chunk)
		mips_hmac_update(&h, msg + off, chunk < len - off ? chunk : len - off);
	mips_hmac_final(&h, out);
}

/* FIPS 180-2 appendix B and the NIST CSRC SHA-256 examples. */
static void test_fips_vectors(void)
{
	static const char *abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[MIPS_SHA256_SIZE];

	mips_sha256(NULL, 0, d);
	CHECK(same(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 32), "SHA-256(\"\")");
	mips_sha256("abc", 3, d);
	CHECK(same(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 32), "SHA-256(\"abc\")");
	mips_sha256(abc448, strlen(abc448), d);
	CHECK(same(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", 32),
	      "SHA-256 of the 448-bit message (padding spills into a second block)");

	size_t n = 1000000;
	uint8_t *a = malloc(n);
	memset(a, 'a', n);
	static const size_t uneven[] = { 1, 7, 63, 64, 65, 127, 1000, 4093 };
	sha256_chunked(a, n, uneven, sizeof(uneven) / sizeof(uneven[0]), d);
	CHECK(same(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", 32),
	      "SHA-256 of one million 'a' in uneven chunks");
	mips_sha256(a, n, d);
	CHECK(same(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", 32),
	      "SHA-256 of one million 'a' in one call");

	/* Padding edges: 55 bytes leave exactly room for the length, 64 need a whole padding block
	 * (values from Python's hashlib). */
	mips_sha256(a, 55, d);
	CHECK(same(d, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318", 32), "SHA-256 of 55 'a'");
	mips_sha256(a, 64, d);
	CHECK(same(d, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb", 32), "SHA-256 of 64 'a'");
	free(a);
}

/* RFC 4231, 4.2-4.8. */
static void test_rfc4231(void)
{
	static const struct {
		const char *key, *data, *mac;	/* key and data in hex */
		size_t maclen;
	} cases[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32 },
		{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32 },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32 },
		{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
		  "a3b6167473100ee06e0c796c2955552b", 16 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b65792046"
		  "69727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b6579"
		  "20616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
		  "647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c"
		  "676f726974686d2e",
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t key[131], data[152], mac[MIPS_SHA256_SIZE];
		size_t keylen = unhex(cases[i].key, key, sizeof(key));
		size_t datalen = unhex(cases[i].data, data, sizeof(data));

		mips_hmac_sha256(key, keylen, data, datalen, mac);
		CHECK(keylen * 2 == strlen(cases[i].key) && datalen * 2 == strlen(cases[i].data) &&
			      same(mac, cases[i].mac, cases[i].maclen),
		      "RFC 4231 test case %zu (%zu-byte key, %zu-byte data, first %zu bytes)", i + 1, keylen, datalen,
		      cases[i].maclen);
	}
}

/* Key-length edges: empty (NULL) key, exactly one block (not hashed), one byte over (hashed). */
static void test_hmac_keys(void)
{
	static const char *msg = "Sample message for keylen=blocklen";
	uint8_t key[65], mac[MIPS_SHA256_SIZE];

	for (int i = 0; i < 65; i++)
		key[i] = (uint8_t)i;
	mips_hmac_sha256(NULL, 0, NULL, 0, mac);
	CHECK(same(mac, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad", 32),
	      "HMAC with an empty key and message (Python's hmac)");
	mips_hmac_sha256(key, 64, msg, strlen(msg), mac);
	CHECK(same(mac, "8bb9a1db9806f20df7f77b82138c7914d174d59e13dc4d0169c9057b133e1d62", 32),
	      "HMAC with a 64-byte key (NIST HMAC_SHA256 example, keylen=blocklen)");
	mips_hmac_sha256(key, 65, msg, strlen(msg), mac);
	CHECK(same(mac, "5890dd7c325a59c6f25bf72df2554a72eca5d41d77166ad3b15cf58b7ee6ec64", 32),
	      "HMAC with a 65-byte key, hashed first (Python's hmac)");
}

/* Any split of the input gives the digest of one call. */
static void test_chunking(void)
{
	uint8_t msg[300], one[MIPS_SHA256_SIZE], split[MIPS_SHA256_SIZE];
	static const size_t sizes[] = { 1, 2, 3, 31, 55, 56, 63, 64, 65, 127, 128, 129 };

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 131 + 7);
	mips_sha256(msg, sizeof(msg), one);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		sha256_chunked(msg, sizeof(msg), &sizes[i], 1, split);
		CHECK(memcmp(one, split, sizeof(one)) == 0, "300 bytes in %zu-byte updates match one call", sizes[i]);
	}
	static const size_t mixed[] = { 63, 1, 64, 0, 65, 2 };
	sha256_chunked(msg, sizeof(msg), mixed, sizeof(mixed) / sizeof(mixed[0]), split);
	CHECK(memcmp(one, split, sizeof(one)) == 0, "300 bytes in 63/1/64/0/65/2-byte updates match one call");

	/* Every message length up to 200 (all padding positions), one byte at a time against one call. */
	bool all = true;
	for (size_t len = 0; len <= 200; len++) {
		static const size_t byte = 1;
		mips_sha256(msg, len, one);
		sha256_chunked(msg, len, &byte, 1, split);
		CHECK_QUIET(memcmp(one, split, sizeof(one)) == 0, "length %zu byte by byte", len);
		all &= memcmp(one, split, sizeof(one)) == 0;
	}
	CHECK(all, "every length 0..200 byte by byte matches one call");

	static const char *abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const size_t byte = 1;
	sha256_chunked((const uint8_t *)abc448, strlen(abc448), &byte, 1, split);
	CHECK(same(split, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", 32),
	      "448-bit message byte by byte gives the FIPS digest");
}

/* RFC 4231 case 7 (131-byte key, 152-byte data) in split HMAC updates. */
static void test_hmac_chunking(void)
{
	static const char *data = "This is a test using a larger than block-size key and a larger than block-size data. "
				  "The key needs to be hashed before being used by the HMAC algorithm.";
	static const size_t sizes[] = { 1, 63, 64, 65, 151 };
	uint8_t key[131], mac[MIPS_SHA256_SIZE];

	memset(key, 0xaa, sizeof(key));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		hmac_chunked(key, sizeof(key), (const uint8_t *)data, strlen(data), sizes[i], mac);
		CHECK(same(mac, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32),
		      "RFC 4231 case 7 in %zu-byte HMAC updates", sizes[i]);
	}
}

static void test_ct_equal(void)
{
	uint8_t a[40], b[40];

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 7);
	CHECK(mips_ct_equal(a, b, sizeof(a)), "ct_equal: equal buffers");
	CHECK(mips_ct_equal(a, b, 0), "ct_equal: zero bytes are equal");
	b[0] ^= 0x01;
	CHECK(!mips_ct_equal(a, b, sizeof(a)), "ct_equal: first byte differs");
	b[0] ^= 0x01;
	b[sizeof(b) - 1] ^= 0x80;
	CHECK(!mips_ct_equal(a, b, sizeof(a)), "ct_equal: last byte differs (high bit only)");
	CHECK(mips_ct_equal(a, b, sizeof(a) - 1), "ct_equal: a difference past n is not seen");
	b[sizeof(b) - 1] ^= 0x80;
	b[17] = (uint8_t)~a[17];
	CHECK(!mips_ct_equal(a, b, sizeof(a)), "ct_equal: a middle byte differs in every bit");
}

int main(void)
{
	test_fips_vectors();
	test_rfc4231();
	test_hmac_keys();
	test_chunking();
	test_hmac_chunking();
	test_ct_equal();
	return check_summary();
}
