/* fpdec.c: exact text <-> binary64 (big integers): .float/.double text, C's strtod grammar, SPIM's %.8f and %.18g. */
#include "fpdec.h"
#include "softfloat.h"

#include <stdbool.h>

/*
 * Big naturals, little-endian 32-bit limbs. The largest value needed is a double's exact decimal
 * expansion (53 bits times 5^1074, about 2550 bits) or a parsed decimal (at most FPDEC_DIGITS
 * digits times 10^FPDEC_EXP_MAX, about 4300 bits).
 */
#define BIG_LIMBS	150
#define FPDEC_DIGITS	800	/* more significant digits than any correctly rounded double needs */
#define FPDEC_EXP_MAX	500	/* beyond +/-500 the result is infinity or zero for any input digits */

struct big {
	int n;
	uint32_t l[BIG_LIMBS];
};

static void big_set(struct big *b, uint64_t v)
{
	b->n = 0;
	while (v) {
		b->l[b->n++] = (uint32_t)v;
		v >>= 32;
	}
}

static void big_mul_add(struct big *b, uint32_t m, uint32_t add)
{
	uint64_t c = add;

	for (int i = 0; i < b->n; i++) {
		c += (uint64_t)b->l[i] * m;
		b->l[i] = (uint32_t)c;
		c >>= 32;
	}
	if (c && b->n < BIG_LIMBS)
		b->l[b->n++] = (uint32_t)c;
}

/* b /= d; returns the remainder. */
static uint32_t big_div_small(struct big *b, uint32_t d)
{
	uint64_t r = 0;

	for (int i = b->n - 1; i >= 0; i--) {
		r = r << 32 | b->l[i];
		b->l[i] = (uint32_t)(r / d);
		r %= d;
	}
	while (b->n && !b->l[b->n - 1])
		b->n--;
	return (uint32_t)r;
}

static void big_shl(struct big *b, int s)
{
	int w = s / 32, bits = s % 32;

	if (!b->n)
		return;
	if (b->n + w + 1 > BIG_LIMBS)
		w = BIG_LIMBS - b->n - 1;	/* cannot happen within the documented bounds */
	b->l[b->n + w] = 0;
	for (int i = b->n - 1; i >= 0; i--) {
		uint64_t v = (uint64_t)b->l[i] << bits;
		b->l[i + w + 1] |= (uint32_t)(v >> 32);
		b->l[i + w] = (uint32_t)v;
	}
	for (int i = 0; i < w; i++)
		b->l[i] = 0;
	b->n += w + 1;
	while (b->n && !b->l[b->n - 1])
		b->n--;
}

static int big_bits(const struct big *b)
{
	return b->n ? 32 * b->n - __builtin_clz(b->l[b->n - 1]) : 0;
}

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

static void big_sub(struct big *a, const struct big *b)	/* a -= b, a >= b */
{
	int64_t c = 0;

	for (int i = 0; i < a->n; i++) {
		c += (int64_t)a->l[i] - (i < b->n ? b->l[i] : 0);
		a->l[i] = (uint32_t)c;
		c >>= 32;
	}
	while (a->n && !a->l[a->n - 1])
		a->n--;
}

static void big_pow(struct big *b, uint32_t base, int e)
{
	while (e-- > 0)
		big_mul_add(b, base, 0);
}

/* ---- parsing ---- */

/*
 * num / den correctly rounded into the format (num, den > 0; IEEE 754-2008 5.12.2): 64 quotient
 * bits by long division, the remainder as the sticky bit, then one rounding.
 */
static uint64_t quotient_round(struct big *num, struct big *den, bool sign)
{
	int s = big_bits(num) - big_bits(den) - 63;	/* num / (den * 2^s) lies in (2^62, 2^64) */
	uint64_t q = 0;

	if (s < 0)
		big_shl(num, -s);
	else
		big_shl(den, s);
	for (int i = 63; i >= 0; i--) {
		struct big t = *den;
		big_shl(&t, i);
		if (big_cmp(num, &t) >= 0) {
			big_sub(num, &t);
			q |= 1ull << i;
		}
	}
	q |= num->n != 0;
	return mips_f64_round_pack(sign, s, q);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t mips_fpdec_parse(const char *s, size_t len, uint64_t *bits)
{
	struct big num, den;
	size_t i = 0, ndig = 0, sig = 0;
	int exp10 = 0, e = 0, esign = 1;
	bool sign = false, any = false, sticky = false;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		sign = s[i++] == '-';
	big_set(&num, 0);
	for (bool frac = false; i < len; i++) {
		if (s[i] == '.' && !frac) {
			frac = true;
			continue;
		}
		if (!is_digit(s[i]))
			break;
		any = true;
		ndig++;
		if (sig == 0 && s[i] == '0') {
			exp10 -= frac;
			continue;
		}
		if (sig < FPDEC_DIGITS) {
			big_mul_add(&num, 10, (uint32_t)(s[i] - '0'));
			sig++;
			exp10 -= frac;
		} else {
			sticky |= s[i] != '0';
			exp10 += !frac;
		}
	}
	if (!any)
		return 0;
	if (i + 1 < len && (s[i] == 'e' || s[i] == 'E') &&
	    (is_digit(s[i + 1]) || (i + 2 < len && (s[i + 1] == '-' || s[i + 1] == '+') && is_digit(s[i + 2])))) {
		i++;
		if (s[i] == '-' || s[i] == '+')
			esign = s[i++] == '-' ? -1 : 1;
		for (; i < len && is_digit(s[i]); i++)
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
	}
	exp10 += esign * e;
	if (sticky) {		/* a nonzero digit past FPDEC_DIGITS: one more digit keeps it */
		big_mul_add(&num, 10, 1);
		exp10--;
	}
	if (!num.n) {
		*bits = sign ? MIPS_F64_SIGN : 0;
	} else if (exp10 + (int)sig > FPDEC_EXP_MAX) {
		*bits = mips_f64_round_pack(sign, 5000, 1);
	} else if (exp10 + (int)sig < -FPDEC_EXP_MAX) {
		*bits = sign ? MIPS_F64_SIGN : 0;
	} else {
		big_set(&den, 1);
		if (exp10 >= 0)
			big_pow(&num, 10, exp10);
		else
			big_pow(&den, 10, -exp10);
		*bits = quotient_round(&num, &den, sign);
	}
	return i;
}

/* ---- C's strtod grammar (SPIM's read_float and read_double) ---- */

#define F64_INF		0x7ff0000000000000ull
#define F64_QNAN	0x7ff8000000000000ull	/* quiet, no payload (IEEE 754-2008 6.2.1) */

static bool is_alnum(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Case-insensitive match of lower-case word w at s[0..len). */
static bool word_at(const char *s, size_t len, const char *w)
{
	size_t i = 0;

	for (; w[i]; i++)
		if (i >= len || (s[i] | 0x20) != w[i])
			return false;
	return true;
}

/*
 * 0x<hex>[.<hex>][p[+-]<dec>] (ISO C 7.22.1.3), correctly rounded: up to 60 significant bits are
 * kept, the rest only as a sticky bit. s points after the "0x"; 0 if no hex digit follows.
 */
static size_t parse_hex(const char *s, size_t len, bool sign, uint64_t *bits)
{
	uint64_t sig = 0;
	size_t i = 0;
	int exp = 0, pexp = 0, psign = 1;
	bool any = false, sticky = false;

	for (bool frac = false; i < len; i++) {
		int d = hex_value(s[i]);
		if (s[i] == '.' && !frac) {
			frac = true;
			continue;
		}
		if (d < 0)
			break;
		any = true;
		if (sig >> 56 == 0) {
			sig = sig << 4 | (uint64_t)d;
			exp -= 4 * frac;
		} else {
			sticky |= d != 0;
			exp += 4 * !frac;
		}
	}
	if (!any)
		return 0;
	if (i + 1 < len && (s[i] | 0x20) == 'p' &&
	    (is_digit(s[i + 1]) || (i + 2 < len && (s[i + 1] == '-' || s[i + 1] == '+') && is_digit(s[i + 2])))) {
		i++;
		if (s[i] == '-' || s[i] == '+')
			psign = s[i++] == '-' ? -1 : 1;
		for (; i < len && is_digit(s[i]); i++)
			if (pexp < 100000)
				pexp = pexp * 10 + (s[i] - '0');
	}
	exp += psign * pexp - 1;	/* one bit more below for the sticky */
	if (!sig)
		*bits = sign ? MIPS_F64_SIGN : 0;
	else if (exp < -5000)
		*bits = sign ? MIPS_F64_SIGN : 0;
	else
		*bits = mips_f64_round_pack(sign, exp > 5000 ? 5000 : exp, sig << 1 | sticky);
	return i;
}

/* strtoull(s, &end, 0) over all of s[0..len), as glibc reads a NaN's payload; false unless all is used. */
static bool nan_payload(const char *s, size_t len, uint64_t *v)
{
	unsigned base = 10;
	size_t i = 0;

	*v = 0;
	if (len >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x' && len > 2 && hex_value(s[2]) >= 0)
		base = 16, i = 2;
	else if (len >= 1 && s[0] == '0')
		base = 8;
	for (; i < len; i++) {
		int d = hex_value(s[i]);
		if (d < 0 || (unsigned)d >= base)
			return false;
		if (*v > (UINT64_MAX - (unsigned)d) / base)
			*v = UINT64_MAX;	/* strtoull saturates */
		else
			*v = *v * base + (unsigned)d;
	}
	return true;
}

/* nan or nan(n-char-sequence): glibc puts a payload that reads as a whole number into the low 51 bits. */
static size_t parse_nan(const char *s, size_t len, bool sign, uint64_t *bits)
{
	size_t i = 3, j;
	uint64_t payload = 0;

	*bits = F64_QNAN;
	if (i < len && s[i] == '(') {
		for (j = i + 1; j < len && (is_alnum(s[j]) || s[j] == '_'); j++)
			;
		if (j < len && s[j] == ')') {
			if (nan_payload(s + i + 1, j - i - 1, &payload))
				*bits |= payload & ((1ull << 51) - 1);
			i = j + 1;
		}
	}
	if (sign)
		*bits |= MIPS_F64_SIGN;
	return i;
}

size_t mips_fpdec_strtod(const char *s, size_t len, uint64_t *bits)
{
	size_t i = 0, used;
	bool sign = false;

	*bits = 0;
	while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
		i++;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		sign = s[i++] == '-';
	if (word_at(s + i, len - i, "inf")) {
		*bits = (sign ? MIPS_F64_SIGN : 0) | F64_INF;
		return i + (word_at(s + i, len - i, "infinity") ? 8 : 3);
	}
	if (word_at(s + i, len - i, "nan"))
		return i + parse_nan(s + i, len - i, sign, bits);
	if (word_at(s + i, len - i, "0x") && (used = parse_hex(s + i + 2, len - i - 2, sign, bits)))
		return i + 2 + used;
	if (i < len && (is_digit(s[i]) || s[i] == '.') && (used = mips_fpdec_parse(s + i, len - i, bits))) {
		*bits |= sign ? MIPS_F64_SIGN : 0;
		return i + used;
	}
	*bits = 0;
	return 0;
}

/* ---- formatting ---- */

/* The exact decimal expansion: d[0].d[1]...d[n-1] * 10^x, no leading zero (n = 0 for zero). */
struct dec {
	int n, x;
	char d[FPDEC_DIGITS];
};

static void dec_exact(struct dec *v, uint64_t sig, int exp)
{
	struct big b;
	char rev[FPDEC_DIGITS];
	int n = 0, scale = 0;

	while (sig && !(sig & 1) && exp < 0)
		sig >>= 1, exp++;
	big_set(&b, sig);
	if (exp >= 0) {
		big_shl(&b, exp);
	} else {		/* sig * 2^exp = sig * 5^-exp / 10^-exp */
		big_pow(&b, 5, -exp);
		scale = -exp;
	}
	while (b.n && n < FPDEC_DIGITS) {
		uint32_t r = big_div_small(&b, 1000000000u);
		for (int k = 0; k < 9 && n < FPDEC_DIGITS; k++, r /= 10)
			rev[n++] = (char)('0' + r % 10);
	}
	while (n > 1 && rev[n - 1] == '0')
		n--;
	v->n = n;
	v->x = n - 1 - scale;
	for (int i = 0; i < n; i++)
		v->d[i] = rev[n - 1 - i];
	while (v->n > 1 && v->d[v->n - 1] == '0')
		v->n--;
}

/* Keeps the first k digits, rounding to nearest, ties to even (glibc's printf in RN mode). */
static void dec_round(struct dec *v, int k)
{
	bool up;

	if (k >= v->n)
		return;
	if (k < 0) {
		v->n = 0;
		return;
	}
	if (v->d[k] != '5')
		up = v->d[k] > '5';
	else if (v->n > k + 1)
		up = true;		/* trailing zeros were trimmed: anything after is nonzero */
	else
		up = k > 0 && ((v->d[k - 1] - '0') & 1);
	v->n = k;
	if (up) {
		while (k > 0 && v->d[k - 1] == '9')
			k--;
		if (k == 0) {		/* 99..9 -> 100..0 */
			v->d[0] = '1';
			k = 1;
			v->x++;
		} else {
			v->d[k - 1]++;
		}
		v->n = k;
	}
	while (v->n > 1 && v->d[v->n - 1] == '0')
		v->n--;
}

static char dec_digit(const struct dec *v, int pos)	/* the digit of 10^pos */
{
	int i = v->x - pos;
	return i >= 0 && i < v->n ? v->d[i] : '0';
}

/* "nan", "inf" with their sign; 0 for finite values. */
static size_t special(char *out, bool sign, bool nan, bool inf)
{
	const char *s = nan ? "nan" : "inf";
	size_t n = 0;

	if (!nan && !inf)
		return 0;
	if (sign)
		out[n++] = '-';
	for (int i = 0; i < 3; i++)
		out[n++] = s[i];
	out[n] = 0;
	return n;
}

static void unpack64(uint64_t bits, bool *sign, int *exp, uint64_t *sig, bool *nan, bool *inf)
{
	int e = (int)((bits >> 52) & 2047);

	*sign = bits >> 63;
	*sig = bits & 0xfffffffffffffull;
	*nan = e == 2047 && *sig;
	*inf = e == 2047 && !*sig;
	*exp = e ? e - 1075 : -1074;
	if (e)
		*sig |= 1ull << 52;
}

size_t mips_fpdec_format_f8(uint64_t bits, char *out)
{
	struct dec v;
	bool sign, nan, inf;
	int exp;
	uint64_t sig;
	size_t n;

	unpack64(bits, &sign, &exp, &sig, &nan, &inf);
	if ((n = special(out, sign, nan, inf)))
		return n;
	dec_exact(&v, sig, exp);
	if (sig)
		dec_round(&v, v.x + 1 + 8);
	n = 0;
	if (sign)
		out[n++] = '-';
	if (!v.n)
		v.x = 0;
	for (int p = v.x > 0 ? v.x : 0; p >= 0; p--)
		out[n++] = dec_digit(&v, p);
	out[n++] = '.';
	for (int p = -1; p >= -8; p--)
		out[n++] = dec_digit(&v, p);
	out[n] = 0;
	return n;
}

size_t mips_fpdec_format_g(uint64_t bits, int prec, char *out)
{
	struct dec v;
	bool sign, nan, inf;
	int exp, x;
	uint64_t sig;
	size_t n = 0, dot;

	unpack64(bits, &sign, &exp, &sig, &nan, &inf);
	if ((n = special(out, sign, nan, inf)))
		return n;
	if (sign)
		out[n++] = '-';
	if (!sig) {
		out[n++] = '0';
		out[n] = 0;
		return n;
	}
	dec_exact(&v, sig, exp);
	dec_round(&v, prec);
	x = v.x;
	if (x < -4 || x >= prec) {	/* C11 7.21.6.1 %g: style e when X < -4 or X >= P */
		out[n++] = v.d[0];
		if (v.n > 1) {
			out[n++] = '.';
			for (int i = 1; i < v.n; i++)
				out[n++] = v.d[i];
		}
		out[n++] = 'e';
		out[n++] = x < 0 ? '-' : '+';
		if (x < 0)
			x = -x;
		if (x >= 100)
			out[n++] = (char)('0' + x / 100);
		out[n++] = (char)('0' + x / 10 % 10);
		out[n++] = (char)('0' + x % 10);
	} else {			/* style f; trailing zeros and a bare point removed */
		for (int p = x > 0 ? x : 0; p >= 0; p--)
			out[n++] = dec_digit(&v, p);
		dot = n;
		out[n++] = '.';
		for (int p = -1; p > v.x - v.n; p--)
			out[n++] = dec_digit(&v, p);
		if (n == dot + 1)
			n = dot;
	}
	out[n] = 0;
	return n;
}
