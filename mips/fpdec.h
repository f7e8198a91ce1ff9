/* fpdec.h: exact conversions between decimal text and binary32/binary64 bit patterns. */
#ifndef MIPS_FPDEC_H
#define MIPS_FPDEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses [+-]digits[.digits][(e|E)[+-]digits] (at least one digit) at s[0..len) into the nearest
 * binary64, ties to even (IEEE 754-2008 5.12.2). Returns the characters used, 0 if there is no
 * number there. A single is this double narrowed (mips_f64_to_f32), as SPIM makes its singles:
 * twice rounded, which differs from the nearest binary32 in rare halfway cases.
 */
size_t mips_fpdec_parse(const char *s, size_t len, uint64_t *bits);

/*
 * C's strtod as glibc reads it (ISO C 7.22.1.3): leading white space, a sign, then a decimal or
 * 0x-hexadecimal number, inf, infinity, nan or nan(n-char-sequence), letters in either case; the
 * nearest binary64, ties to even. Returns the characters used, 0 (and +0.0) if no number is there.
 */
size_t mips_fpdec_strtod(const char *s, size_t len, uint64_t *bits);

/* The text of C's printf("%.8f") of a binary64 (SPIM's print_float of the widened single);
 * out holds at least MIPS_FPDEC_F8_MAX bytes. Returns the length, out NUL-terminated. */
#define MIPS_FPDEC_F8_MAX	330
size_t mips_fpdec_format_f8(uint64_t bits, char *out);
/* printf("%.<prec>g") of a binary64, prec 1 to 18 (SPIM's print_double is %.18g); out holds at least
 * MIPS_FPDEC_G_MAX bytes. */
#define MIPS_FPDEC_G_MAX	32
size_t mips_fpdec_format_g(uint64_t bits, int prec, char *out);

#endif
