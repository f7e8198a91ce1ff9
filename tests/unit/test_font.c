/* test_font.c: the PSF reader on the built-in font (build/font.psf, unpacked from Debian's
 * console-setup) and on small made-up fonts, good and broken. */
#include <stdlib.h>
#include <string.h>

#include "kernel/dev/font.h"
#include "tests/check.h"

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static uint8_t buf[1 << 20];
	*size = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

static int blank(const struct font *f, uint8_t c)
{
	const uint8_t *g = font_glyph(f, c);
	for (uint32_t i = 0; i < f->glyph_bytes; i++)
		if (g[i])
			return 0;
	return 1;
}

static void builtin(const char *path)
{
	size_t size;
	uint8_t *data = read_file(path, &size);
	CHECK(data != NULL, "the built-in font %s is there", path);
	if (!data)
		return;
	struct font f;
	const char *why = "";
	CHECK(font_load(&f, data, size, &why) == 0, "the built-in font loads (%s)", why);
	CHECK(f.width == 8 && f.height == 16, "it is 8x16 (%ux%u), the VGA text mode's cell", f.width, f.height);
	int drawn = 0, distinct = 0;
	for (int c = 0x21; c < 0x7f; c++) {
		drawn += !blank(&f, (uint8_t)c);
		distinct += font_glyph(&f, (uint8_t)c) != font_glyph(&f, '?') || c == '?';
	}
	CHECK(drawn == 94 && distinct == 94, "every printable ASCII character has a glyph of its own (%d drawn, %d distinct)",
	      drawn, distinct);
	CHECK(blank(&f, ' '), "the space is blank");
	CHECK(font_glyph(&f, 0x01) == font_glyph(&f, '?'), "a control code draws as '?'");
	CHECK(font_glyph(&f, 0xe9) != font_glyph(&f, '?'), "Latin-1 e-acute has a glyph of its own");
	struct font g;
	CHECK(font_load(&g, data, size - 3, &why) < 0 && strstr(why, "Unicode table ends early"),
	      "the font cut inside its Unicode table: %s", why);
	CHECK(font_load(&g, data, 1000, &why) < 0 && strstr(why, "glyphs run past the end"),
	      "the font cut inside its glyphs: %s", why);
}

/* A PSF2 font of three 8x2 glyphs: 0 = 'A', 1 = '?' and U+00E9 (UTF-8), 2 = a sequence only. */
static size_t psf2(uint8_t *b, uint32_t header_size, const uint8_t *table, size_t table_len)
{
	uint32_t h[8] = { 0x864ab572u, 0, header_size, 1, 3, 2, 2, 8 };
	memcpy(b, h, sizeof(h));
	memset(b + 32, 0, header_size - 32);
	const uint8_t glyphs[6] = { 0x18, 0x24, 0x3c, 0x08, 0x42, 0x81 };
	memcpy(b + header_size, glyphs, sizeof(glyphs));
	memcpy(b + header_size + 6, table, table_len);
	return header_size + 6 + table_len;
}

static void made_up(void)
{
	uint8_t b[128];
	struct font f;
	const char *why = "";
	const uint8_t table[] = { 'A', 0xff, '?', 0xc3, 0xa9, 0xff, 0xfe, 'B', 'C', 0xff };
	size_t n = psf2(b, 40, table, sizeof(table));
	CHECK(font_load(&f, b, n, &why) == 0, "a PSF2 font with a longer header and a UTF-8 table loads (%s)", why);
	CHECK(f.glyph_of['A'] == 0 && f.glyph_of['?'] == 1 && f.glyph_of[0xe9] == 1,
	      "A, ? and e-acute map to their glyphs (%u %u %u)", f.glyph_of['A'], f.glyph_of['?'], f.glyph_of[0xe9]);
	CHECK(f.glyph_of['B'] == 1, "a character only inside a sequence falls back to '?'");
	CHECK(font_glyph(&f, 'A')[0] == 0x18, "the glyph's first row");
	const uint8_t bad_utf8[] = { 'A', 0xff, '?', 0xc3, 0x41, 0xff, 0xff };
	n = psf2(b, 32, bad_utf8, sizeof(bad_utf8));
	CHECK(font_load(&f, b, n, &why) < 0 && !strcmp(why, "PSF2 Unicode table holds malformed UTF-8"), "%s", why);
	const uint8_t no_question[] = { 'A', 0xff, 'B', 0xff, 'C', 0xff };
	n = psf2(b, 32, no_question, sizeof(no_question));
	CHECK(font_load(&f, b, n, &why) < 0 && !strcmp(why, "the font has no glyph for '?'"), "%s", why);
	n = psf2(b, 32, table, sizeof(table));
	b[8] = 200; /* header size past the end */
	CHECK(font_load(&f, b, n, &why) < 0 && !strcmp(why, "PSF2 header size out of range"), "%s", why);
	n = psf2(b, 32, table, sizeof(table));
	b[20] = 3; /* glyph size that is not rows x height */
	CHECK(font_load(&f, b, n, &why) < 0 && !strcmp(why, "glyph count or size out of range"), "%s", why);
	const uint8_t junk[] = "not a font at all";
	CHECK(font_load(&f, junk, sizeof(junk), &why) < 0 && !strcmp(why, "not a PSF1 or PSF2 font (bad magic)"), "%s", why);
	CHECK(font_load(&f, junk, 2, &why) < 0, "two bytes are no font");
}

int main(int argc, char **argv)
{
	builtin(argc > 1 ? argv[1] : "build/font.psf");
	made_up();
	return check_summary();
}
