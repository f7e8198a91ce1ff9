/* font.h: the screen console's bitmap font, a PC Screen Font (PSF1 or PSF2) as Debian's kbd and
 * console-setup ship them, looked up by Latin-1 code through the font's Unicode table. */
#ifndef KERNEL_DEV_FONT_H
#define KERNEL_DEV_FONT_H

#include <stddef.h>
#include <stdint.h>

#define FONT_CODES 256 /* the console draws bytes, read as Latin-1 */

struct font {
	const uint8_t *glyphs;
	uint32_t count, width, height;
	uint32_t row_bytes, glyph_bytes;
	uint16_t glyph_of[FONT_CODES]; /* Latin-1 code -> glyph index ('?' when the font lacks it) */
};

/* Reads a PSF font from data (size bytes, kept by the caller). Returns 0, or -1 with *why saying
 * which check failed. */
int font_load(struct font *f, const uint8_t *data, size_t size, const char **why);
/* The glyph of a Latin-1 code: height rows of row_bytes bytes, most significant bit leftmost. */
static inline const uint8_t *font_glyph(const struct font *f, uint8_t code)
{
	return f->glyphs + (size_t)f->glyph_of[code] * f->glyph_bytes;
}

#endif
