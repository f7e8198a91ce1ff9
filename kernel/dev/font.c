/* font.c: PC Screen Font reader (PSF1 and PSF2, the formats of kbd's font-formats documentation):
 * glyph bitmaps and the Unicode table that says which glyph draws which character. */
#include <string.h>

#include "kernel/dev/font.h"

/* PSF1: 4-byte header; 256 or 512 glyphs 8 pixels wide; Unicode table of little-endian 16-bit
 * code points per glyph, 0xFFFE starting a sequence, 0xFFFF ending the glyph's entry. */
#define PSF1_MAGIC0 0x36
#define PSF1_MAGIC1 0x04
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ 0x04
#define PSF1_SEPARATOR 0xffff
#define PSF1_STARTSEQ 0xfffe

/* PSF2: 32-byte little-endian header; Unicode table of UTF-8 characters per glyph, 0xFE starting
 * a sequence, 0xFF ending the glyph's entry. */
#define PSF2_MAGIC 0x864ab572u
#define PSF2_HAS_UNICODE_TABLE 0x01
#define PSF2_SEPARATOR 0xff
#define PSF2_STARTSEQ 0xfe

struct psf2_header {
	uint32_t magic, version, header_size, flags, length, glyph_bytes, height, width;
};
_Static_assert(sizeof(struct psf2_header) == 32, "PSF2 header is 32 bytes");

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Code point of glyph g, when it is one of the Latin-1 ones the console draws. */
static void map_code(struct font *f, uint32_t cp, uint32_t g, uint8_t *mapped)
{
	if (cp < FONT_CODES && !mapped[cp]) {
		f->glyph_of[cp] = (uint16_t)g;
		mapped[cp] = 1;
	}
}

/* One UTF-8 character at *p (before end); advances *p. Returns 0xFFFFFFFF when malformed. */
static uint32_t utf8_next(const uint8_t **p, const uint8_t *end)
{
	uint8_t b = *(*p)++;
	int more = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : -1;
	if (more < 0)
		return 0xffffffffu;
	uint32_t cp = more ? b & (0x3f >> more) : b;
	for (; more; more--) {
		if (*p == end || (**p & 0xc0) != 0x80)
			return 0xffffffffu;
		cp = cp << 6 | (*(*p)++ & 0x3f);
	}
	return cp;
}

static int psf1_table(struct font *f, const uint8_t *p, const uint8_t *end, uint8_t *mapped, const char **why)
{
	for (uint32_t g = 0; g < f->count; g++) {
		int in_seq = 0;
		for (;;) {
			if (p + 2 > end) {
				*why = "PSF1 Unicode table ends early";
				return -1;
			}
			uint32_t u = p[0] | p[1] << 8;
			p += 2;
			if (u == PSF1_SEPARATOR)
				break;
			if (u == PSF1_STARTSEQ)
				in_seq = 1;
			else if (!in_seq)
				map_code(f, u, g, mapped);
		}
	}
	return 0;
}

static int psf2_table(struct font *f, const uint8_t *p, const uint8_t *end, uint8_t *mapped, const char **why)
{
	for (uint32_t g = 0; g < f->count; g++) {
		int in_seq = 0;
		for (;;) {
			if (p == end) {
				*why = "PSF2 Unicode table ends early";
				return -1;
			}
			if (*p == PSF2_SEPARATOR) {
				p++;
				break;
			}
			if (*p == PSF2_STARTSEQ) {
				p++;
				in_seq = 1;
				continue;
			}
			uint32_t cp = utf8_next(&p, end);
			if (cp == 0xffffffffu) {
				*why = "PSF2 Unicode table holds malformed UTF-8";
				return -1;
			}
			if (!in_seq)
				map_code(f, cp, g, mapped);
		}
	}
	return 0;
}

/* Fills the header fields; returns where the Unicode table starts (NULL when the font has none)
 * through *table, or -1 with *why. */
static int read_header(struct font *f, const uint8_t *data, size_t size, const uint8_t **table, int *psf2,
		       const char **why)
{
	size_t header;
	int has_table;
	if (size >= 4 && data[0] == PSF1_MAGIC0 && data[1] == PSF1_MAGIC1) {
		*psf2 = 0;
		header = 4;
		f->count = data[2] & PSF1_MODE512 ? 512 : 256;
		f->width = 8;
		f->height = f->glyph_bytes = data[3];
		has_table = data[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ);
	} else if (size >= sizeof(struct psf2_header) && le32(data) == PSF2_MAGIC) {
		*psf2 = 1;
		header = le32(data + 8);
		f->count = le32(data + 16);
		f->glyph_bytes = le32(data + 20);
		f->height = le32(data + 24);
		f->width = le32(data + 28);
		has_table = le32(data + 12) & PSF2_HAS_UNICODE_TABLE;
		if (header < sizeof(struct psf2_header) || header > size) {
			*why = "PSF2 header size out of range";
			return -1;
		}
	} else {
		*why = "not a PSF1 or PSF2 font (bad magic)";
		return -1;
	}
	f->row_bytes = (f->width + 7) / 8;
	if (!f->count || !f->width || !f->height || f->width > 32 || f->height > 64 || f->count > 65536 ||
	    f->glyph_bytes != f->row_bytes * f->height) {
		*why = "glyph count or size out of range";
		return -1;
	}
	if ((uint64_t)f->count * f->glyph_bytes > size - header) {
		*why = "glyphs run past the end of the font";
		return -1;
	}
	f->glyphs = data + header;
	*table = has_table ? f->glyphs + (size_t)f->count * f->glyph_bytes : NULL;
	return 0;
}

int font_load(struct font *f, const uint8_t *data, size_t size, const char **why)
{
	const uint8_t *table;
	int psf2;
	memset(f, 0, sizeof(*f));
	if (read_header(f, data, size, &table, &psf2, why) < 0)
		return -1;
	uint8_t mapped[FONT_CODES] = { 0 };
	if (!table) { /* no table: glyph i draws code i */
		for (uint32_t c = 0; c < FONT_CODES && c < f->count; c++)
			map_code(f, c, c, mapped);
	} else if ((psf2 ? psf2_table : psf1_table)(f, table, data + size, mapped, why) < 0) {
		return -1;
	}
	if (!mapped['?']) {
		*why = "the font has no glyph for '?'";
		return -1;
	}
	for (uint32_t c = 0; c < FONT_CODES; c++)
		if (!mapped[c])
			f->glyph_of[c] = f->glyph_of['?'];
	return 0;
}
