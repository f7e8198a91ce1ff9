/* format.c: a small printf engine (no floating point) writing through a sink. */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/lib/format.h"

struct spec {
	bool left, zero, plus, space;
	int width, precision;
	int length; /* 0, 'H' hh, 'h', 'l', 'L' ll, 'z', 't', 'j' */
};

struct out {
	format_sink sink;
	void *ctx;
	int count;
};

static void emit(struct out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void emit_padding(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

/* Writes digits of v in base, with sign/prefix, honouring width, zero padding and precision. */
static void emit_number(struct out *o, const struct spec *sp, uint64_t v, bool negative, int base,
			bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0;
	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	int precision_zeros = sp->precision > n ? sp->precision - n : 0;
	char sign = negative ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	int prefix_len = 0;
	while (prefix && prefix[prefix_len])
		prefix_len++;
	int body = n + precision_zeros + (sign ? 1 : 0) + prefix_len;
	int pad = sp->width > body ? sp->width - body : 0;
	bool zero_pad = sp->zero && !sp->left && sp->precision < 0;

	if (!sp->left && !zero_pad)
		emit_padding(o, ' ', pad);
	if (sign)
		emit(o, sign);
	for (int i = 0; i < prefix_len; i++)
		emit(o, prefix[i]);
	if (zero_pad)
		emit_padding(o, '0', pad);
	emit_padding(o, '0', precision_zeros);
	while (n)
		emit(o, buf[--n]);
	if (sp->left)
		emit_padding(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	int len = 0;
	while (s[len] && (sp->precision < 0 || len < sp->precision))
		len++;
	int pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left)
		emit_padding(o, ' ', pad);
	for (int i = 0; i < len; i++)
		emit(o, s[i]);
	if (sp->left)
		emit_padding(o, ' ', pad);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f != '#')
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->precision = sp->precision * 10 + (*f++ - '0');
	}
	if (f[0] == 'h' && f[1] == 'h') {
		sp->length = 'H';
		f += 2;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->length = 'L';
		f += 2;
	} else if (*f == 'h' || *f == 'l' || *f == 'z' || *f == 't' || *f == 'j') {
		sp->length = *f++;
	}
	return f;
}

static uint64_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 't': return (uint64_t)va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (int64_t)va_arg(*ap, size_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

int format_v(format_sink sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = { sink, ctx, 0 };
	va_list ap;
	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			emit(&o, *f);
			continue;
		}
		struct spec sp;
		f = parse_spec(f + 1, &sp, &ap);
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(&sp, &ap);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			emit_number(&o, &sp, mag, v < 0, 10, false, NULL);
			break;
		}
		case 'u': emit_number(&o, &sp, fetch_unsigned(&sp, &ap), false, 10, false, NULL); break;
		case 'x': emit_number(&o, &sp, fetch_unsigned(&sp, &ap), false, 16, false, NULL); break;
		case 'X': emit_number(&o, &sp, fetch_unsigned(&sp, &ap), false, 16, true, NULL); break;
		case 'o': emit_number(&o, &sp, fetch_unsigned(&sp, &ap), false, 8, false, NULL); break;
		case 'p':
			sp.length = 'l';
			emit_number(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 'c': {
			char s[2] = { (char)va_arg(ap, int), 0 };
			sp.precision = 1;
			if (!s[0]) { /* a NUL char is still one character */
				emit(&o, 0);
				break;
			}
			emit_string(&o, &sp, s);
			break;
		}
		case 's': emit_string(&o, &sp, va_arg(ap, const char *)); break;
		case '%': emit(&o, '%'); break;
		case 0: f--; break; /* a lone '%' at the end */
		default: /* unknown conversion: show it rather than swallow it */
			emit(&o, '%');
			emit(&o, *f);
			break;
		}
	}
	va_end(ap);
	return o.count;
}

struct buf_ctx {
	char *buf;
	size_t size, pos;
};

static void buf_sink(void *ctx, char c)
{
	struct buf_ctx *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	int n = format_v(buf_sink, &b, fmt, ap);
	if (size)
		buf[b.pos < size ? b.pos : size - 1] = 0;
	return n;
}
