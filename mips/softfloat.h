/* softfloat.h: IEEE 754-2008 binary32/binary64 arithmetic in integer C (the kernel may not use the FPU). */
#ifndef MIPS_SOFTFLOAT_H
#define MIPS_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Values travel as their bit patterns (binary32 in a uint32_t, binary64 in a uint64_t). Every
 * operation rounds to nearest, ties to even (IEEE 754-2008 4.3.1, the MIPS FCSR's RN mode).
 * NaN results follow the x86 host SPIM runs on, so output matches SPIM's: a NaN operand is
 * quieted and passed on (the first one if both are NaN), an invalid operation gives the default
 * NaN with the sign set (Intel SDM Vol. 1, 4.8.3.7 "QNaN floating-point indefinite").
 */
#define MIPS_F32_SIGN		0x80000000u
#define MIPS_F64_SIGN		0x8000000000000000ull
#define MIPS_F32_DEFAULT_NAN	0xffc00000u
#define MIPS_F64_DEFAULT_NAN	0xfff8000000000000ull

uint32_t mips_f32_add(uint32_t a, uint32_t b);
uint32_t mips_f32_sub(uint32_t a, uint32_t b);
uint32_t mips_f32_mul(uint32_t a, uint32_t b);
uint32_t mips_f32_div(uint32_t a, uint32_t b);
uint32_t mips_f32_sqrt(uint32_t a);
uint64_t mips_f64_add(uint64_t a, uint64_t b);
uint64_t mips_f64_sub(uint64_t a, uint64_t b);
uint64_t mips_f64_mul(uint64_t a, uint64_t b);
uint64_t mips_f64_div(uint64_t a, uint64_t b);
uint64_t mips_f64_sqrt(uint64_t a);

/* neg and abs only touch the sign bit (IEEE 754-2008 5.5.1). */
static inline uint32_t mips_f32_neg(uint32_t a) { return a ^ MIPS_F32_SIGN; }
static inline uint32_t mips_f32_abs(uint32_t a) { return a & ~MIPS_F32_SIGN; }
static inline uint64_t mips_f64_neg(uint64_t a) { return a ^ MIPS_F64_SIGN; }
static inline uint64_t mips_f64_abs(uint64_t a) { return a & ~MIPS_F64_SIGN; }

/* Rounds (-1)^sign * sig * 2^exp (sig != 0; bit 0 sticky) into the format, as every operation does. */
uint32_t mips_f32_round_pack(bool sign, int exp, uint64_t sig);
uint64_t mips_f64_round_pack(bool sign, int exp, uint64_t sig);

uint64_t mips_f32_to_f64(uint32_t a);
uint32_t mips_f64_to_f32(uint64_t a);
uint32_t mips_w_to_f32(int32_t w);
uint64_t mips_w_to_f64(int32_t w);

/* Rounding of the .w conversions (MIPS32 Vol. II: round.w, trunc.w, ceil.w, floor.w; cvt.w uses RN). */
enum mips_fround {
	MIPS_FROUND_NEAREST,
	MIPS_FROUND_ZERO,
	MIPS_FROUND_UP,
	MIPS_FROUND_DOWN,
};
/* A NaN, infinity or out-of-range value gives -2^31, as on the x86 SPIM runs on (its "integer
 * indefinite", Intel SDM Vol. 1, 4.8.3.5), not MIPS's 2^31-1 (MIPS32 Vol. I-A, 6.8.3). */
#define MIPS_FCVT_W_INVALID	((int32_t)0x80000000)
int32_t mips_f32_to_w(uint32_t a, enum mips_fround mode);
int32_t mips_f64_to_w(uint64_t a, enum mips_fround mode);

/* Comparison outcome bits; c.cond.fmt's cond field is tested against them (MIPS32 Vol. II, C.cond.fmt:
 * cond bit 0 = unordered, bit 1 = equal, bit 2 = less than). */
#define MIPS_FCMP_UN	1u
#define MIPS_FCMP_EQ	2u
#define MIPS_FCMP_LT	4u
unsigned mips_f32_cmp(uint32_t a, uint32_t b);
unsigned mips_f64_cmp(uint64_t a, uint64_t b);

#endif
