/* util.c: freestanding helpers: formatting, allocation through the port, CRC-32, FNV-1a. */
#include "internal.h"

static void sb_putc(struct mips_strbuf *sb, char c)
{
	if (sb->len + 1 < sb->cap) {
		sb->buf[sb->len] = c;
		sb->buf[sb->len + 1] = 0;
	}
	sb->len++;
}

/* Width w > 0 pads on the left with pad, w < 0 pads on the right with blanks. */
static void sb_field(struct mips_strbuf *sb, const char *s, int n, int w, char pad)
{
	for (int i = n; i < w; i++)
		sb_putc(sb, pad);
	for (int i = 0; i < n; i++)
		sb_putc(sb, s[i]);
	for (int i = n; i < -w; i++)
		sb_putc(sb, ' ');
}

static void sb_number(struct mips_strbuf *sb, uint64_t v, bool neg, unsigned base, int width, char pad)
{
	char tmp[24], out[24];
	int n = 0, m = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (n)
		out[m++] = tmp[--n];
	sb_field(sb, out, m, width, pad);
}

void mips_sb_vprintf(struct mips_strbuf *sb, const char *fmt, va_list ap)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			sb_putc(sb, *p);
			continue;
		}
		char pad = ' ';
		int width = 0, lng = 0, left = 0;
		if (*++p == '-')
			left = 1, p++;
		if (*p == '0')
			pad = '0', p++;
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		if (left)
			width = -width, pad = ' ';
		int prec = -1;
		if (p[0] == '.' && p[1] == '*')
			prec = va_arg(ap, int), p += 2;
		while (*p == 'l')
			lng++, p++;
		switch (*p) {
		case 'd': {
			int64_t v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			sb_number(sb, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, width, pad);
			break;
		}
		case 'u': case 'x': {
			uint64_t v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			sb_number(sb, v, false, *p == 'x' ? 16 : 10, width, pad);
			break;
		}
		case 'z':	/* %zu */
			p++;
			sb_number(sb, va_arg(ap, size_t), false, 10, width, pad);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;
			while ((prec < 0 || n < prec) && s[n])
				n++;
			sb_field(sb, s, n, width, ' ');
			break;
		}
		case 'c': sb_putc(sb, (char)va_arg(ap, int)); break;
		case '%': sb_putc(sb, '%'); break;
		default: return;	/* malformed format: a bug in mips/, print nothing more */
		}
	}
}

void mips_sb_printf(struct mips_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mips_sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

size_t mips_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	va_list ap;

	if (cap)
		buf[0] = 0;
	va_start(ap, fmt);
	mips_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	return sb.len;
}

void *mips_alloc(const struct mips_port *port, size_t n)
{
	void *p = port->alloc(port->ud, NULL, 0, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *mips_realloc(const struct mips_port *port, void *p, size_t osize, size_t nsize)
{
	return port->alloc(port->ud, p, osize, nsize);
}

void mips_free(const struct mips_port *port, void *p, size_t n)
{
	if (p)
		port->alloc(port->ud, p, n, 0);
}

bool mips_bytes_append(const struct mips_port *port, struct mips_bytes *b, const void *src, size_t n)
{
	if (!n)
		return true;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = mips_realloc(port, b->p, b->cap, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	if (src)
		memcpy(b->p + b->len, src, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
	return true;
}

void mips_bytes_free(const struct mips_port *port, struct mips_bytes *b)
{
	mips_free(port, b->p, b->cap);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), four bits at a time from a constant table. */
static const uint32_t crc_nibble[16] = {
	0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
	0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu, 0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t mips_crc32(uint32_t crc, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

uint64_t mips_fnv1a64(uint64_t h, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}
