/* wire.c: record framing and checking for the snapshot and migration formats (layout in wire.h). */
#include "internal.h"

void mips_wire_frame(uint8_t th[MIPS_WIRE_HEAD], uint8_t crc[4], uint32_t tag, const void *head, size_t hn,
		     const void *body, size_t bn)
{
	mips_put32(th, tag);
	mips_put32(th + 4, (uint32_t)(hn + bn));
	mips_put32(crc, mips_crc32(mips_crc32(mips_crc32(0, th, MIPS_WIRE_HEAD), head, hn), body, bn));
}

size_t mips_wire_record(uint8_t *out, uint32_t tag, const void *head, size_t hn, const void *body, size_t bn)
{
	mips_put32(out, tag);
	mips_put32(out + 4, (uint32_t)(hn + bn));
	memcpy(out + MIPS_WIRE_HEAD, head, hn);
	if (bn)
		memcpy(out + MIPS_WIRE_HEAD + hn, body, bn);
	mips_put32(out + MIPS_WIRE_HEAD + hn + bn, mips_crc32(0, out, MIPS_WIRE_HEAD + hn + bn));
	return MIPS_WIRE_MIN + hn + bn;
}

enum mips_wire_check mips_wire_check(const uint8_t *buf, size_t avail, uint32_t max, struct mips_wire_rec *rec)
{
	*rec = (struct mips_wire_rec){ 0 };
	if (avail < MIPS_WIRE_HEAD)
		return MIPS_WIRE_SHORT_HEAD;
	rec->tag = mips_get32(buf);
	rec->len = mips_get32(buf + 4);
	if (rec->len > max)
		return MIPS_WIRE_TOO_LONG;
	rec->size = MIPS_WIRE_MIN + (size_t)rec->len;
	if (avail < rec->size)
		return avail < MIPS_WIRE_MIN ? MIPS_WIRE_SHORT_HEAD : MIPS_WIRE_SHORT_BODY;
	if (mips_get32(buf + MIPS_WIRE_HEAD + rec->len) != mips_crc32(0, buf, MIPS_WIRE_HEAD + (size_t)rec->len))
		return MIPS_WIRE_BAD_CRC;
	rec->payload = buf + MIPS_WIRE_HEAD;
	return MIPS_WIRE_OK;
}
