/* test_mips_fpu.c: mips/softfloat against the host's own IEEE float and double arithmetic, edge cases included. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tests/check.h"
#include "mips/softfloat.h"
#include "mips/fpdec.h"
#include <stdlib.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static double d_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t ud_of(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

/* Interesting bit patterns: zeros, subnormals, the extremes, infinities, NaNs, ones, halves. */
static const uint32_t edge32[] = {
	0, 0x80000000u, 1, 0x80000001u, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0xff7fffffu,
	0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u, 0x7f800001u, 0x7fa00000u, 0x3f800000u,
	0xbf800000u, 0x3f000000u, 0x3fc00000u, 0x40200000u, 0x4effffffu, 0x4f000000u, 0xcf000000u,
	0xcf000001u, 0x4f000001u, 0x3effffffu, 0x3f7fffffu, 0x33800000u, 0x34000000u, 0x00000003u,
	0x4b000001u, 0x4b800001u, 0x40490fdbu, 0x3dcccccdu,
};
static const uint64_t edge64[] = {
	0, 0x8000000000000000ull, 1, 0x8000000000000001ull, 0x000fffffffffffffull,
	0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7ff0000000000000ull,
	0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull,
	0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3fe0000000000000ull, 0x41dfffffffc00000ull,
	0x41e0000000000000ull, 0xc1e0000000000000ull, 0xc1e0000000200000ull, 0x41dfffffffffffffull,
	0x41e0000000000001ull, 0x3fdfffffffffffffull, 0x3ca0000000000000ull, 0x4330000000000001ull,
	0x400921fb54442d18ull, 0x3fb999999999999aull, 0x47efffffe0000000ull, 0x47efffffefffffffull,
	0x36a0000000000000ull, 0x3690000000000001ull, 0x369fffffffffffffull, 0x380fffffffffffffull,
};

/* A random binary32: every class, biased toward nearby exponents so sums cancel and round. */
static uint32_t rnd32(void)
{
	uint64_t r = rnd();
	uint32_t sign = (uint32_t)(r & 1) << 31, exp, frac = (uint32_t)(r >> 8) & 0x7fffffu;

	switch ((r >> 1) & 7) {
	case 0: return edge32[(r >> 40) % (sizeof(edge32) / 4)];
	case 1: exp = 0; break;
	case 2: exp = (uint32_t)(r >> 40) % 8 + 1; break;
	case 3: exp = 254 - (uint32_t)(r >> 40) % 4; break;
	case 4: frac &= 0x7f0000u | (uint32_t)(r >> 50); /* fall through */
	default: exp = 120 + (uint32_t)(r >> 40) % 16; break;
	}
	return sign | exp << 23 | frac;
}

static uint64_t rnd64(void)
{
	uint64_t r = rnd(), r2 = rnd();
	uint64_t sign = (r & 1) << 63, exp, frac = r2 & 0xfffffffffffffull;

	switch ((r >> 1) & 7) {
	case 0: return edge64[(r >> 40) % (sizeof(edge64) / 8)];
	case 1: exp = 0; break;
	case 2: exp = (r >> 40) % 8 + 1; break;
	case 3: exp = 2046 - (r >> 40) % 4; break;
	case 4: frac &= 0xff00000000000ull | (r >> 30); /* fall through */
	default: exp = 1016 + (r >> 40) % 16; break;
	}
	if (((r >> 60) & 3) == 0)		/* near binary32's range, for cvt.s.d */
		exp = 896 + (r >> 40) % 256;
	return sign | exp << 52 | frac;
}

/* Same bits, or both NaN when the operands hold two NaNs (the host may pick either one). */
static int same32(uint32_t got, uint32_t want, uint32_t a, uint32_t b)
{
	if (isnan(f_of(a)) && isnan(f_of(b)))
		return isnan(f_of(got)) && isnan(f_of(want));
	return got == want;
}

static int same64(uint64_t got, uint64_t want, uint64_t a, uint64_t b)
{
	if (isnan(d_of(a)) && isnan(d_of(b)))
		return isnan(d_of(got)) && isnan(d_of(want));
	return got == want;
}

/* The .w conversion of a host value (x86's -2^31 for NaN and out of range, as spim gives). */
static int32_t want_w(double v, int mode)
{
	double r = mode == MIPS_FROUND_NEAREST ? nearbyint(v) : mode == MIPS_FROUND_ZERO ? trunc(v)
		 : mode == MIPS_FROUND_UP ? ceil(v) : floor(v);

	if (isnan(r) || r >= 2147483648.0 || r < -2147483648.0)
		return MIPS_FCVT_W_INVALID;
	return (int32_t)r;
}

static unsigned want_cmp(double a, double b)
{
	if (isnan(a) || isnan(b))
		return MIPS_FCMP_UN;
	return a == b ? MIPS_FCMP_EQ : a < b ? MIPS_FCMP_LT : 0;
}

#define ROUNDS 400000

static void test_single(void)
{
	int bad[12] = { 0 };

	for (int i = 0; i < ROUNDS; i++) {
		uint32_t a = rnd32(), b = rnd32();
		volatile float x = f_of(a), y = f_of(b);
		int32_t w = (int32_t)rnd();

		bad[0] += !same32(mips_f32_add(a, b), u_of(x + y), a, b);
		bad[1] += !same32(mips_f32_sub(a, b), u_of(x - y), a, b);
		bad[2] += !same32(mips_f32_mul(a, b), u_of(x * y), a, b);
		bad[3] += !same32(mips_f32_div(a, b), u_of(x / y), a, b);
		bad[4] += !same32(mips_f32_sqrt(a), u_of(sqrtf(x)), a, 0);
		bad[5] += mips_f32_to_f64(a) != ud_of((double)x);
		bad[6] += mips_w_to_f32(w) != u_of((float)w);
		bad[7] += mips_f32_cmp(a, b) != want_cmp(x, y);
		for (int m = 0; m < 4; m++)
			bad[8 + m] += mips_f32_to_w(a, m) != want_w(x, m);
	}
	CHECK(!bad[0], "f32 add: %d of %d differ from the host", bad[0], ROUNDS);
	CHECK(!bad[1], "f32 sub: %d differ", bad[1]);
	CHECK(!bad[2], "f32 mul: %d differ", bad[2]);
	CHECK(!bad[3], "f32 div: %d differ", bad[3]);
	CHECK(!bad[4], "f32 sqrt: %d differ", bad[4]);
	CHECK(!bad[5], "cvt.d.s: %d differ", bad[5]);
	CHECK(!bad[6], "cvt.s.w: %d differ", bad[6]);
	CHECK(!bad[7], "c.cond.s outcome: %d differ", bad[7]);
	CHECK(!bad[8] && !bad[9] && !bad[10] && !bad[11], "cvt/trunc/ceil/floor.w.s: %d %d %d %d differ",
	      bad[8], bad[9], bad[10], bad[11]);
}

static void test_double(void)
{
	int bad[12] = { 0 };

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t a = rnd64(), b = rnd64();
		volatile double x = d_of(a), y = d_of(b);
		int32_t w = (int32_t)rnd();

		bad[0] += !same64(mips_f64_add(a, b), ud_of(x + y), a, b);
		bad[1] += !same64(mips_f64_sub(a, b), ud_of(x - y), a, b);
		bad[2] += !same64(mips_f64_mul(a, b), ud_of(x * y), a, b);
		bad[3] += !same64(mips_f64_div(a, b), ud_of(x / y), a, b);
		bad[4] += !same64(mips_f64_sqrt(a), ud_of(sqrt(x)), a, 0);
		bad[5] += mips_f64_to_f32(a) != u_of((float)x);
		bad[6] += mips_w_to_f64(w) != ud_of((double)w);
		bad[7] += mips_f64_cmp(a, b) != want_cmp(x, y);
		for (int m = 0; m < 4; m++)
			bad[8 + m] += mips_f64_to_w(a, m) != want_w(x, m);
	}
	CHECK(!bad[0], "f64 add: %d of %d differ from the host", bad[0], ROUNDS);
	CHECK(!bad[1], "f64 sub: %d differ", bad[1]);
	CHECK(!bad[2], "f64 mul: %d differ", bad[2]);
	CHECK(!bad[3], "f64 div: %d differ", bad[3]);
	CHECK(!bad[4], "f64 sqrt: %d differ", bad[4]);
	CHECK(!bad[5], "cvt.s.d: %d differ", bad[5]);
	CHECK(!bad[6], "cvt.d.w: %d differ", bad[6]);
	CHECK(!bad[7], "c.cond.d outcome: %d differ", bad[7]);
	CHECK(!bad[8] && !bad[9] && !bad[10] && !bad[11], "cvt/trunc/ceil/floor.w.d: %d %d %d %d differ",
	      bad[8], bad[9], bad[10], bad[11]);
}

/* Every pair of edge values, exhaustively. */
static void test_edges(void)
{
	int bad = 0;
	size_t n32 = sizeof(edge32) / 4, n64 = sizeof(edge64) / 8;

	for (size_t i = 0; i < n32; i++)
		for (size_t j = 0; j < n32; j++) {
			uint32_t a = edge32[i], b = edge32[j];
			volatile float x = f_of(a), y = f_of(b);
			bad += !same32(mips_f32_add(a, b), u_of(x + y), a, b);
			bad += !same32(mips_f32_mul(a, b), u_of(x * y), a, b);
			bad += !same32(mips_f32_div(a, b), u_of(x / y), a, b);
		}
	for (size_t i = 0; i < n64; i++)
		for (size_t j = 0; j < n64; j++) {
			uint64_t a = edge64[i], b = edge64[j];
			volatile double x = d_of(a), y = d_of(b);
			bad += !same64(mips_f64_add(a, b), ud_of(x + y), a, b);
			bad += !same64(mips_f64_mul(a, b), ud_of(x * y), a, b);
			bad += !same64(mips_f64_div(a, b), ud_of(x / y), a, b);
		}
	CHECK(!bad, "edge value pairs: %d results differ", bad);
	CHECK(mips_f32_div(0, 0) == MIPS_F32_DEFAULT_NAN && mips_f64_sqrt(0xbff0000000000000ull) ==
	      MIPS_F64_DEFAULT_NAN, "invalid operations give the default NaN");
	CHECK(mips_f32_to_w(0x7fc00000u, MIPS_FROUND_ZERO) == INT32_MIN &&
	      mips_f64_to_w(0xc1e0000000200000ull, MIPS_FROUND_ZERO) == INT32_MIN &&
	      mips_f64_to_w(0x41e0000000000000ull, MIPS_FROUND_UP) == INT32_MIN &&
	      mips_f64_to_w(0xc1dfffffffc00000ull, MIPS_FROUND_ZERO) == -2147483647,
	      "NaN and out-of-range .w conversions give x86's -2^31 (spim's), in range ones convert");
	CHECK(mips_f32_neg(0) == 0x80000000u && mips_f64_abs(0xfff0000000000000ull) == 0x7ff0000000000000ull,
	      "neg and abs flip and clear the sign bit");
}

/* Decimal text -> bits against strtod/strtof; bits -> text against printf's %.8f and %.18g. */
static void test_decimal(void)
{
	static const char *const texts[] = {
		"0", "-0.0", "1", "0.1", "1.5", "3.4e38", "3.5e38", "1e-40", "1.0e-45", "7e-46", "1e-46",
		"16777217.0", "0.3333333333", "1.7976931348623157e308", "1.7976931348623159e308", "4.9e-324",
		"2.4703282292062327e-324", "2.4703282292062328e-324", "123456789.123456789", "9007199254740993",
		"0.000000005", "1e23", "8.589973e9", "2.2250738585072011e-308", "000123.4500e+2", "1e500",
		"1e-500", "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899",
		"1.0000000596046447753906251",	/* twice rounded: 1.0f as SPIM stores it, not 1.0000001f */
	};
	char buf[64], want[400], got[MIPS_FPDEC_F8_MAX];
	uint64_t bits;
	int bad_parse = 0, bad_f8 = 0, bad_g18 = 0;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *t = texts[i];
		bad_parse += mips_fpdec_parse(t, strlen(t), &bits) != strlen(t) || bits != ud_of(strtod(t, NULL)) ||
			     mips_f64_to_f32(bits) != u_of((float)strtod(t, NULL));
	}
	for (int i = 0; i < 20000; i++) {
		uint64_t d = rnd64();
		uint32_t f = rnd32();
		int digits = (int)(rnd() % 20) + 1, e = (int)(rnd() % 80) - 40;
		snprintf(buf, sizeof buf, "%.*s.%llue%d", (int)(rnd() % 3), "12", (unsigned long long)(rnd() >> (digits * 3)), e);
		bad_parse += mips_fpdec_parse(buf, strlen(buf), &bits) != strlen(buf) ||
			     bits != ud_of(strtod(buf, NULL)) || mips_f64_to_f32(bits) != u_of((float)strtod(buf, NULL));
		snprintf(want, sizeof want, "%.8f", (double)f_of(f));
		mips_fpdec_format_f8(mips_f32_to_f64(f), got);
		if (strcmp(got, want) && bad_f8++ < 3)
			printf("  %%.8f of 0x%08x: got %s want %s\n", f, got, want);
		int prec = i % 3 == 0 ? 18 : i % 3 == 1 ? 17 : 9;	/* print_double; DUMP_PROCESSOR_STATE */
		snprintf(want, sizeof want, "%.*g", prec, i % 3 == 2 ? (double)f_of(f) : d_of(d));
		mips_fpdec_format_g(i % 3 == 2 ? mips_f32_to_f64(f) : d, prec, got);
		if (strcmp(got, want) && bad_g18++ < 3)
			printf("  %%.%dg of 0x%016llx: got %s want %s\n", prec, (unsigned long long)d, got, want);
	}
	CHECK(!bad_parse, "decimal parse (.double, and .float narrowed as SPIM does): %d differ from strtod", bad_parse);
	CHECK(!bad_f8, "print_float format (%%.8f): %d differ from printf", bad_f8);
	CHECK(!bad_g18, "print_double and dump formats (%%.18g, %%.17g, %%.9g): %d differ from printf", bad_g18);
}

/* read_float/read_double's grammar against the host C library's strtod: bits and characters used. */
static void test_strtod(void)
{
	static const char *const texts[] = {
		"1.5", "  -2.25xyz", "\t\v\f\r\n 7", ".5", "-.5e1", "5.", "1e", "1e+", "1e+x", "+-1", "-", ".",
		"", "abc", "inf", "-INF", "infinit", "Infinity", "infinityx", "nan", "-NaN", "nan(", "nan()",
		"nan(0x5)", "nan(5)", "nan(010)", "nan(09)", "nan(zz)", "nan(_1)", "nan(0xfffffffffffff)",
		"nan(0x1fffffffffffff)", "nan(99999999999999999999999)", "-nan(7)x", "nan(0x)", "0x", "0x.",
		"0xg", "0x.8", "0X1P3", "0x1.8p1", "0x1p-1074", "0x1p-1075", "0x1.8p-1075", "0x1p1023",
		"0x1p1024", "0x1.fffffffffffff8p1023", "0x1.00000000000008p0", "0x1.00000000000018p0",
		"0x1.000000000000080000000000001p0", "0x123456789abcdef0123456789p-20", "-0x0p0", "0x1p99999999",
		"0x1p-99999999", "0x1p", "1,5", "12345678901234567890", "-0", "1e400", "-1e-400",
	};
	char buf[64];
	uint64_t bits;
	int bad = 0;

	for (int i = 0; i < (int)(sizeof texts / sizeof texts[0]) + 20000; i++) {
		const char *t = texts[i % (sizeof texts / sizeof texts[0])];
		if (i >= (int)(sizeof texts / sizeof texts[0])) {
			snprintf(buf, sizeof buf, "%s0x%llx.%llxp%d", rnd() & 1 ? "-" : "", (unsigned long long)(rnd() >>
				 (rnd() % 64)), (unsigned long long)(rnd() >> (rnd() % 64)), (int)(rnd() % 2200) - 1100);
			t = buf;
		}
		char *end;
		double want = strtod(t, &end);
		size_t used = mips_fpdec_strtod(t, strlen(t), &bits);
		if ((used != (size_t)(end - t) || bits != ud_of(want)) && bad++ < 3)
			printf("  strtod(\"%s\"): got 0x%016llx (%zu used), want 0x%016llx (%zu)\n", t,
			       (unsigned long long)bits, used, (unsigned long long)ud_of(want), (size_t)(end - t));
	}
	CHECK(!bad, "read_float/read_double grammar (decimal, hex, inf, nan payloads): %d differ from strtod", bad);
}

int main(void)
{
	test_strtod();
	test_decimal();
	test_edges();
	test_single();
	test_double();
	return check_summary();
}
