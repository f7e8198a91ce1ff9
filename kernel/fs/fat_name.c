/* fat_name.c: long names (UTF-8 <-> UTF-16, validity) and 8.3 aliases (basis, ~N, checksum). */
#include <string.h>

#include "fat_impl.h"

/* Characters no name may contain ("Name Limits and Character Sets"); controls are refused too. */
static bool lfn_char_ok(uint32_t c)
{
	return c >= 0x20 && c != 0x7F && !(c < 0x80 && strchr("\"*/:<>?\\|", (int)c));
}

/* Decodes one UTF-8 sequence at *s; returns the code point or UINT32_MAX if malformed. */
static uint32_t utf8_decode(const uint8_t **s)
{
	const uint8_t *p = *s;
	uint32_t c = p[0], need, min, i;

	if (c < 0x80) {
		*s = p + 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0)
		need = 1, min = 0x80, c &= 0x1F;
	else if ((c & 0xF0) == 0xE0)
		need = 2, min = 0x800, c &= 0x0F;
	else if ((c & 0xF8) == 0xF0)
		need = 3, min = 0x10000, c &= 0x07;
	else
		return UINT32_MAX;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return UINT32_MAX;
		c = (c << 6) | (p[i] & 0x3F);
	}
	*s = p + 1 + need;
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return UINT32_MAX;
	return c;
}

/* A valid long name as UTF-16 (out holds FAT_LFN_MAX units). Names that Windows would silently
 * change (trailing dots or spaces, leading spaces) are refused rather than altered. */
enum fat_err fat_name_to_utf16(const char *name, uint16_t *out, size_t *len)
{
	const uint8_t *s = (const uint8_t *)name;
	size_t n = 0;
	uint32_t c;

	if (!*s || !strcmp(name, ".") || !strcmp(name, "..") || *s == ' ')
		return FAT_ERR_BAD_NAME;
	while (*s) {
		c = utf8_decode(&s);
		if (c == UINT32_MAX || !lfn_char_ok(c) || n + (c > 0xFFFF) + 1 > FAT_LFN_MAX)
			return FAT_ERR_BAD_NAME;
		if (c > 0xFFFF) {
			c -= 0x10000;
			out[n++] = (uint16_t)(0xD800 | (c >> 10));
			c = 0xDC00 | (c & 0x3FF);
		}
		out[n++] = (uint16_t)c;
	}
	if (out[n - 1] == '.' || out[n - 1] == ' ')
		return FAT_ERR_BAD_NAME;
	*len = n;
	return FAT_OK;
}

static size_t utf8_encode(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* UTF-16 from disk to UTF-8; unpaired surrogates become '?'. out_size >= 4 * n / 3 + 1 suffices. */
void fat_utf16_to_utf8(const uint16_t *in, size_t n, char *out, size_t out_size)
{
	size_t i, o = 0;
	uint32_t c;

	for (i = 0; i < n && o + 4 < out_size; i++) {
		c = in[i];
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && in[i + 1] >= 0xDC00 &&
		    in[i + 1] <= 0xDFFF) {
			c = 0x10000 + ((c - 0xD800) << 10) + (in[i + 1] - 0xDC00);
			i++;
		} else if (c >= 0xD800 && c <= 0xDFFF) {
			c = '?';
		}
		o += utf8_encode(c, out + o);
	}
	out[o] = '\0';
}

/* Characters allowed in a short name besides A-Z and 0-9 ("FAT Directory Structure", DIR_Name). */
static bool sfn_char_ok(uint16_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c < 0x80 && c && strchr("$%'-_@~`!(){}^#&", c));
}

static uint16_t upper(uint16_t c)
{
	return (c >= 'a' && c <= 'z') ? (uint16_t)(c - 32) : c;
}

/* Appends lfn[from..to) to a short-name part of size max; returns true if anything was lost. */
static bool basis_part(const uint16_t *lfn, size_t from, size_t to, uint8_t *part, size_t max)
{
	size_t i, n = 0;
	bool lossy = false;
	uint16_t c;

	for (i = from; i < to; i++) {
		c = upper(lfn[i]);
		if (c == ' ' || c == '.') {
			lossy = true;
			continue;
		}
		if (n == max)
			return true;
		if (!sfn_char_ok(c)) {
			c = '_';
			lossy = true;
		}
		part[n++] = (uint8_t)c;
	}
	return lossy;
}

/* "The Basis-Name Generation Algorithm": upper case, invalid characters to '_', spaces and
 * leading dots dropped, 8 characters before the first dot and 3 after the last. Returns true
 * if the name did not survive intact, so a numeric tail is needed. */
bool fat_basis_name(const uint16_t *lfn, size_t n, uint8_t sfn[11])
{
	size_t start = 0, first_dot, last_dot = n, i;
	bool lossy = false;

	memset(sfn, ' ', 11);
	while (start < n && lfn[start] == '.')
		start++;
	lossy = start > 0;
	for (i = start; i < n; i++)
		if (lfn[i] == '.')
			last_dot = i;
	for (first_dot = start; first_dot < n && lfn[first_dot] != '.'; first_dot++)
		;
	lossy |= basis_part(lfn, start, first_dot, sfn, 8);
	lossy |= first_dot != last_dot;		/* dots inside the primary part */
	if (last_dot < n)
		lossy |= basis_part(lfn, last_dot + 1, n, sfn + 8, 3);
	if (sfn[0] == ' ') {
		sfn[0] = '_';
		lossy = true;
	}
	return lossy;
}

/* basis with "~n" ("The Numeric-Tail Generation Algorithm"): NAME~1.EXT, NAM~12.EXT... */
void fat_numeric_tail(uint8_t sfn[11], const uint8_t basis[11], uint32_t n)
{
	char tail[8];
	size_t t = 0, keep = 8, i;

	do {
		tail[t++] = (char)('0' + n % 10);
		n /= 10;
	} while (n && t < 6);
	while (keep && basis[keep - 1] == ' ')
		keep--;
	if (keep > 8 - (t + 1))
		keep = 8 - (t + 1);
	memset(sfn, ' ', 8);
	memcpy(sfn, basis, keep);
	sfn[keep] = '~';
	for (i = 0; i < t; i++)
		sfn[keep + 1 + i] = (uint8_t)tail[t - 1 - i];
	memcpy(sfn + 8, basis + 8, 3);
}

/* The n for which sfn == fat_numeric_tail(basis, n), or 0 if there is none. */
uint32_t fat_tail_number(const uint8_t sfn[11], const uint8_t basis[11])
{
	uint8_t again[11];
	uint32_t n = 0;
	size_t i = 0;

	while (i < 8 && sfn[i] != '~')
		i++;
	if (i == 8 || memcmp(sfn + 8, basis + 8, 3))
		return 0;
	for (i++; i < 8 && sfn[i] >= '0' && sfn[i] <= '9'; i++)
		n = n * 10 + (sfn[i] - '0');
	if (n == 0)
		return 0;
	fat_numeric_tail(again, basis, n);
	return memcmp(again, sfn, 11) ? 0 : n;
}

/* "FAT Long Directory Entries": ChkSum(). */
uint8_t fat_lfn_checksum(const uint8_t sfn[11])
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) ? 0x80 : 0) + (sum >> 1) + sfn[i]);
	return sum;
}

static size_t sfn_part(const uint8_t *p, size_t max, bool lower, char *out)
{
	size_t n = max, i;

	while (n && p[n - 1] == ' ')
		n--;
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		/* OEM code page characters (and 0x05, standing for 0xE5) are not translated */
		if (c >= 0x80 || c < 0x20)
			c = '_';
		else if (lower && c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		out[i] = (char)c;
	}
	return n;
}

/* "NAME.EXT" from the 11-byte form; nt_res lower-case bits are honoured. */
void fat_sfn_to_str(const uint8_t sfn[11], uint8_t nt_res, char out[13])
{
	size_t n = sfn_part(sfn, 8, nt_res & FAT_NT_RES_LOWER_BASE, out);

	if (sfn[8] != ' ') {
		out[n++] = '.';
		n += sfn_part(sfn + 8, 3, nt_res & FAT_NT_RES_LOWER_EXT, out + n);
	}
	out[n] = '\0';
}

bool fat_names_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}
