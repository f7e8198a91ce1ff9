/* softfloat.c: binary32/binary64 add, sub, mul, div, sqrt, conversions and compares, in integers only. */
#include <stdbool.h>

#include "softfloat.h"

/* A format: fraction bits, biased-exponent field of all ones (IEEE 754-2008 3.4, table 3.5). */
struct sf_fmt {
	unsigned frac_bits;
	int exp_max, bias;
};
static const struct sf_fmt sf_single = { 23, 255, 127 };
static const struct sf_fmt sf_double = { 52, 2047, 1023 };

enum sf_class { SF_ZERO, SF_FINITE, SF_INF, SF_NAN };

/* An unpacked value: (-1)^sign * sig * 2^exp for SF_FINITE. */
struct sf_num {
	enum sf_class cls;
	bool sign;
	int exp;
	uint64_t sig;
};

static uint64_t sf_sign_bit(const struct sf_fmt *f)
{
	return 1ull << (f->frac_bits + (f == &sf_single ? 8 : 11));
}

static struct sf_num sf_unpack(const struct sf_fmt *f, uint64_t bits)
{
	struct sf_num n;
	uint64_t frac = bits & ((1ull << f->frac_bits) - 1);
	int e = (int)((bits >> f->frac_bits) & (uint64_t)f->exp_max);

	n.sign = (bits & sf_sign_bit(f)) != 0;
	n.exp = 0;
	n.sig = frac;
	if (e == f->exp_max) {
		n.cls = frac ? SF_NAN : SF_INF;
	} else if (e == 0) {
		n.cls = frac ? SF_FINITE : SF_ZERO;
		n.exp = 1 - f->bias - (int)f->frac_bits;
	} else {
		n.cls = SF_FINITE;
		n.sig = frac | (1ull << f->frac_bits);
		n.exp = e - f->bias - (int)f->frac_bits;
	}
	return n;
}

static uint64_t sf_inf(const struct sf_fmt *f, bool sign)
{
	return (sign ? sf_sign_bit(f) : 0) | ((uint64_t)f->exp_max << f->frac_bits);
}

static uint64_t sf_zero(const struct sf_fmt *f, bool sign)
{
	return sign ? sf_sign_bit(f) : 0;
}

static uint64_t sf_default_nan(const struct sf_fmt *f)
{
	return f == &sf_single ? MIPS_F32_DEFAULT_NAN : MIPS_F64_DEFAULT_NAN;
}

/* The NaN operand made quiet (the fraction's top bit set, IEEE 754-2008 6.2.1). */
static uint64_t sf_quiet(const struct sf_fmt *f, uint64_t bits)
{
	return bits | (1ull << (f->frac_bits - 1));
}

static uint64_t sf_propagate(const struct sf_fmt *f, uint64_t a, uint64_t b, const struct sf_num *na)
{
	return sf_quiet(f, na->cls == SF_NAN ? a : b);
}

/* x >> n, with any bit shifted out ORed into bit 0 (the sticky bit). */
static uint64_t sf_shr_jam(uint64_t x, int n)
{
	if (n <= 0)
		return x;
	if (n >= 64)
		return x != 0;
	return (x >> n) | ((x & ((1ull << n) - 1)) != 0);
}

static int sf_clz64(uint64_t x)
{
	return x ? __builtin_clzll(x) : 64;
}

/*
 * Rounds (-1)^sign * sig * 2^exp (sig != 0, its bit 0 sticky) to nearest-even in format f and packs
 * it, giving infinity on overflow and subnormals or zero on underflow (IEEE 754-2008 4.3.1, 7.4).
 */
static uint64_t sf_round_pack(const struct sf_fmt *f, bool sign, int exp, uint64_t sig)
{
	int lead = 63 - sf_clz64(sig);
	int shift, e;
	uint64_t half, rest, out;

	/* Normalise so the leading one sits at bit 62. */
	if (lead > 62)
		sig = sf_shr_jam(sig, lead - 62);
	else
		sig <<= 62 - lead;
	exp += lead - 62;
	e = exp + 62 + f->bias;		/* the biased exponent of 1.xxx * 2^(exp + 62) */
	if (e >= f->exp_max)
		return sf_inf(f, sign);
	if (e < 1) {			/* subnormal: denormalise at the minimum exponent */
		sig = sf_shr_jam(sig, 1 - e);
		e = 1;
	}
	shift = 62 - (int)f->frac_bits;
	half = 1ull << (shift - 1);
	rest = sig & ((1ull << shift) - 1);
	sig >>= shift;
	if (rest > half || (rest == half && (sig & 1)))
		sig++;
	/* The implicit bit adds one to the exponent field; a carry out of rounding lands there too. */
	out = ((uint64_t)(e - 1) << f->frac_bits) + sig;
	return (sign ? sf_sign_bit(f) : 0) | out;
}

static uint64_t sf_add(const struct sf_fmt *f, uint64_t a, uint64_t b, bool negate_b)
{
	struct sf_num x = sf_unpack(f, a), y = sf_unpack(f, b), t;
	uint64_t sig;
	int d;

	if (x.cls == SF_NAN || y.cls == SF_NAN)
		return sf_propagate(f, a, b, &x);
	y.sign ^= negate_b;
	if (x.cls == SF_INF || y.cls == SF_INF) {
		if (x.cls == SF_INF && y.cls == SF_INF && x.sign != y.sign)
			return sf_default_nan(f);
		return sf_inf(f, x.cls == SF_INF ? x.sign : y.sign);
	}
	if (x.cls == SF_ZERO && y.cls == SF_ZERO)
		return sf_zero(f, x.sign && y.sign);
	if (x.cls == SF_ZERO)
		return sf_round_pack(f, y.sign, y.exp, y.sig);
	if (y.cls == SF_ZERO)
		return sf_round_pack(f, x.sign, x.exp, x.sig);
	/* Leading ones at bit 61 leave room for the carry; x gets the larger exponent. */
	x.exp -= 61 - (63 - sf_clz64(x.sig));
	x.sig <<= 61 - (63 - sf_clz64(x.sig));
	y.exp -= 61 - (63 - sf_clz64(y.sig));
	y.sig <<= 61 - (63 - sf_clz64(y.sig));
	if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) {
		t = x;
		x = y;
		y = t;
	}
	d = x.exp - y.exp;
	y.sig = sf_shr_jam(y.sig, d);
	if (x.sign == y.sign)
		sig = x.sig + y.sig;
	else
		sig = x.sig - y.sig;
	if (sig == 0)
		return sf_zero(f, false);	/* exact cancellation is +0 in RN (IEEE 754-2008 6.3) */
	return sf_round_pack(f, x.sign, x.exp, sig);
}

/* The 128-bit product of two 64-bit values, as hi:lo. */
static void sf_mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	*hi = (uint64_t)(p >> 64);
	*lo = (uint64_t)p;
}

static uint64_t sf_mul(const struct sf_fmt *f, uint64_t a, uint64_t b)
{
	struct sf_num x = sf_unpack(f, a), y = sf_unpack(f, b);
	bool sign = x.sign ^ y.sign;
	uint64_t hi, lo, sig;
	int exp = x.exp + y.exp, n;

	if (x.cls == SF_NAN || y.cls == SF_NAN)
		return sf_propagate(f, a, b, &x);
	if (x.cls == SF_INF || y.cls == SF_INF) {
		if (x.cls == SF_ZERO || y.cls == SF_ZERO)
			return sf_default_nan(f);
		return sf_inf(f, sign);
	}
	if (x.cls == SF_ZERO || y.cls == SF_ZERO)
		return sf_zero(f, sign);
	sf_mul128(x.sig, y.sig, &hi, &lo);
	if (hi == 0) {
		sig = lo;
	} else {			/* keep 64 bits, the rest sticky */
		n = 64 - sf_clz64(hi);
		sig = (hi << (64 - n)) | (lo >> n) | ((lo & ((1ull << n) - 1)) != 0);
		exp += n;
	}
	return sf_round_pack(f, sign, exp, sig);
}

static uint64_t sf_div(const struct sf_fmt *f, uint64_t a, uint64_t b)
{
	struct sf_num x = sf_unpack(f, a), y = sf_unpack(f, b);
	bool sign = x.sign ^ y.sign;
	uint64_t rem, q = 0;
	int exp, i;

	if (x.cls == SF_NAN || y.cls == SF_NAN)
		return sf_propagate(f, a, b, &x);
	if (x.cls == SF_INF)
		return y.cls == SF_INF ? sf_default_nan(f) : sf_inf(f, sign);
	if (y.cls == SF_INF)
		return sf_zero(f, sign);
	if (y.cls == SF_ZERO)
		return x.cls == SF_ZERO ? sf_default_nan(f) : sf_inf(f, sign);
	if (x.cls == SF_ZERO)
		return sf_zero(f, sign);
	x.exp -= 62 - (63 - sf_clz64(x.sig));
	x.sig <<= 62 - (63 - sf_clz64(x.sig));
	y.exp -= 62 - (63 - sf_clz64(y.sig));
	y.sig <<= 62 - (63 - sf_clz64(y.sig));
	rem = x.sig;
	exp = x.exp - y.exp - 62;
	if (rem < y.sig) {
		rem <<= 1;
		exp--;
	}
	/* Restoring division: 63 quotient bits, the leading one at bit 62. */
	for (i = 0; i < 63; i++) {
		q <<= 1;
		if (rem >= y.sig) {
			rem -= y.sig;
			q |= 1;
		}
		rem <<= 1;
	}
	return sf_round_pack(f, sign, exp, q | (rem != 0));
}

static uint64_t sf_sqrt(const struct sf_fmt *f, uint64_t a)
{
	struct sf_num x = sf_unpack(f, a);
	unsigned __int128 n, res = 0, bit;
	int k;

	if (x.cls == SF_NAN)
		return sf_quiet(f, a);
	if (x.cls == SF_ZERO)
		return a;
	if (x.sign)
		return sf_default_nan(f);
	if (x.cls == SF_INF)
		return a;
	x.exp -= 62 - (63 - sf_clz64(x.sig));
	x.sig <<= 62 - (63 - sf_clz64(x.sig));
	k = (x.exp - 62) % 2 ? 63 : 62;	/* make the remaining power of two even */
	n = (unsigned __int128)x.sig << k;
	bit = (unsigned __int128)1 << 126;
	while (bit > n)
		bit >>= 2;
	/* Digit-by-digit square root (one result bit per step). */
	while (bit) {
		if (n >= res + bit) {
			n -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return sf_round_pack(f, false, (x.exp - k) / 2, (uint64_t)res | (n != 0));
}

static uint64_t sf_convert(const struct sf_fmt *to, const struct sf_fmt *from, uint64_t a)
{
	struct sf_num x = sf_unpack(from, a);

	switch (x.cls) {
	case SF_NAN:	/* quiet, payload's top bits kept (as x86 cvtss2sd/cvtsd2ss) */
		if (to->frac_bits > from->frac_bits)
			x.sig <<= to->frac_bits - from->frac_bits;
		else
			x.sig >>= from->frac_bits - to->frac_bits;
		return sf_quiet(to, sf_inf(to, x.sign) | x.sig);
	case SF_INF:
		return sf_inf(to, x.sign);
	case SF_ZERO:
		return sf_zero(to, x.sign);
	case SF_FINITE:
		return sf_round_pack(to, x.sign, x.exp, x.sig);
	}
	return sf_default_nan(to);
}

static uint64_t sf_from_w(const struct sf_fmt *f, int32_t w)
{
	uint64_t mag = w < 0 ? -(uint64_t)(int64_t)w : (uint64_t)w;

	if (w == 0)
		return 0;
	return sf_round_pack(f, w < 0, 0, mag);
}

static int32_t sf_to_w(const struct sf_fmt *f, uint64_t a, enum mips_fround mode)
{
	struct sf_num x = sf_unpack(f, a);
	uint64_t mag, rest = 0, half;
	bool up;

	if (x.cls == SF_NAN || x.cls == SF_INF)
		return MIPS_FCVT_W_INVALID;
	if (x.cls == SF_ZERO)
		return 0;
	if (x.exp >= 0) {
		if (x.exp > 31 || 63 - sf_clz64(x.sig) + x.exp > 31)
			return MIPS_FCVT_W_INVALID;
		mag = x.sig << x.exp;
	} else if (x.exp < -63) {
		mag = 0;
		rest = 1;		/* a nonzero fraction below one half */
		half = 2;
	} else {
		mag = x.sig >> -x.exp;
		rest = x.sig & ((1ull << -x.exp) - 1);
		half = 1ull << (-x.exp - 1);
	}
	if (x.exp < 0 && rest) {
		switch (mode) {
		case MIPS_FROUND_NEAREST:
			up = rest > half || (rest == half && (mag & 1));
			break;
		case MIPS_FROUND_ZERO:
			up = false;
			break;
		case MIPS_FROUND_UP:
			up = !x.sign;
			break;
		default:
			up = x.sign;
			break;
		}
		mag += up;
	}
	if (mag > (x.sign ? (1ull << 31) : (1ull << 31) - 1))
		return MIPS_FCVT_W_INVALID;
	return x.sign ? (int32_t)(0 - mag) : (int32_t)mag;
}

static unsigned sf_cmp(const struct sf_fmt *f, uint64_t a, uint64_t b)
{
	struct sf_num x = sf_unpack(f, a), y = sf_unpack(f, b);
	uint64_t sign = sf_sign_bit(f);
	bool lt;

	if (x.cls == SF_NAN || y.cls == SF_NAN)
		return MIPS_FCMP_UN;
	if (x.cls == SF_ZERO && y.cls == SF_ZERO)
		return MIPS_FCMP_EQ;
	if (a == b)
		return MIPS_FCMP_EQ;
	/* Sign-magnitude order: the bit patterns sort like the values within one sign. */
	if ((a & sign) != (b & sign))
		lt = (a & sign) != 0;
	else if (a & sign)
		lt = (a & ~sign) > (b & ~sign);
	else
		lt = a < b;
	return lt ? MIPS_FCMP_LT : 0;
}

uint32_t mips_f32_add(uint32_t a, uint32_t b) { return (uint32_t)sf_add(&sf_single, a, b, false); }
uint32_t mips_f32_sub(uint32_t a, uint32_t b) { return (uint32_t)sf_add(&sf_single, a, b, true); }
uint32_t mips_f32_mul(uint32_t a, uint32_t b) { return (uint32_t)sf_mul(&sf_single, a, b); }
uint32_t mips_f32_div(uint32_t a, uint32_t b) { return (uint32_t)sf_div(&sf_single, a, b); }
uint32_t mips_f32_sqrt(uint32_t a) { return (uint32_t)sf_sqrt(&sf_single, a); }
uint64_t mips_f64_add(uint64_t a, uint64_t b) { return sf_add(&sf_double, a, b, false); }
uint64_t mips_f64_sub(uint64_t a, uint64_t b) { return sf_add(&sf_double, a, b, true); }
uint64_t mips_f64_mul(uint64_t a, uint64_t b) { return sf_mul(&sf_double, a, b); }
uint64_t mips_f64_div(uint64_t a, uint64_t b) { return sf_div(&sf_double, a, b); }
uint64_t mips_f64_sqrt(uint64_t a) { return sf_sqrt(&sf_double, a); }
uint64_t mips_f32_to_f64(uint32_t a) { return sf_convert(&sf_double, &sf_single, a); }
uint32_t mips_f64_to_f32(uint64_t a) { return (uint32_t)sf_convert(&sf_single, &sf_double, a); }
uint32_t mips_w_to_f32(int32_t w) { return (uint32_t)sf_from_w(&sf_single, w); }
uint64_t mips_w_to_f64(int32_t w) { return sf_from_w(&sf_double, w); }
int32_t mips_f32_to_w(uint32_t a, enum mips_fround m) { return sf_to_w(&sf_single, a, m); }
int32_t mips_f64_to_w(uint64_t a, enum mips_fround m) { return sf_to_w(&sf_double, a, m); }
unsigned mips_f32_cmp(uint32_t a, uint32_t b) { return sf_cmp(&sf_single, a, b); }
unsigned mips_f64_cmp(uint64_t a, uint64_t b) { return sf_cmp(&sf_double, a, b); }
uint32_t mips_f32_round_pack(bool sign, int exp, uint64_t sig) { return (uint32_t)sf_round_pack(&sf_single, sign, exp, sig); }
uint64_t mips_f64_round_pack(bool sign, int exp, uint64_t sig) { return sf_round_pack(&sf_double, sign, exp, sig); }
