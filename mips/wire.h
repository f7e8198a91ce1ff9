/* wire.h: the byte formats' common parts: little-endian integers and tag/length/payload/CRC records. */
#ifndef MIPS_WIRE_H
#define MIPS_WIRE_H

#include <stddef.h>
#include <stdint.h>

static inline void mips_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}
static inline void mips_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void mips_put64(uint8_t *p, uint64_t v)
{
	mips_put32(p, (uint32_t)v);
	mips_put32(p + 4, (uint32_t)(v >> 32));
}
static inline uint16_t mips_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t mips_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t mips_get64(const uint8_t *p)
{
	return mips_get32(p) | (uint64_t)mips_get32(p + 4) << 32;
}

/*
 * A record, as snapshots and migration frame them:
 *
 *   tag u32 | payload length u32 | payload | CRC-32 of tag, length and payload u32
 *
 * Tags are four ASCII characters read as a little-endian u32.
 */
#define MIPS_WIRE_TAG(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define MIPS_WIRE_HEAD	8u	/* tag and length */
#define MIPS_WIRE_MIN	12u	/* the smallest record: tag, length, CRC and no payload */

/*
 * Frames a record whose payload comes in two parts (head, then an optional body) for a writer
 * that emits the pieces itself: fills the tag and length (th) and the trailing CRC (crc).
 */
void mips_wire_frame(uint8_t th[MIPS_WIRE_HEAD], uint8_t crc[4], uint32_t tag, const void *head, size_t hn,
		     const void *body, size_t bn);
/* Frames the whole record into out (room for MIPS_WIRE_MIN + hn + bn bytes); returns its size. */
size_t mips_wire_record(uint8_t *out, uint32_t tag, const void *head, size_t hn, const void *body, size_t bn);

/* What checking a record found, in the order the checks run. */
enum mips_wire_check {
	MIPS_WIRE_OK,
	MIPS_WIRE_SHORT_HEAD,	/* fewer bytes than the smallest record (size unknown while < HEAD) */
	MIPS_WIRE_TOO_LONG,	/* the payload length is above the reader's bound */
	MIPS_WIRE_SHORT_BODY,	/* the payload and CRC are not all there */
	MIPS_WIRE_BAD_CRC,
};

struct mips_wire_rec {
	uint32_t tag, len;	/* len: the payload's */
	const uint8_t *payload;
	size_t size;		/* the whole record; 0 while the length is not yet in */
};

/*
 * Checks the record at buf with avail bytes there and a payload of at most max bytes; fills rec
 * as far as the bytes go. Readers of a whole buffer stop at anything but MIPS_WIRE_OK; stream
 * readers keep reading on the SHORT results until rec->size (or MIPS_WIRE_HEAD) bytes are in.
 */
enum mips_wire_check mips_wire_check(const uint8_t *buf, size_t avail, uint32_t max, struct mips_wire_rec *rec);

#endif
