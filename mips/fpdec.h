/* fpdec.h: exact conversions between decimal text and binary32/binary64 bit patterns. */
#ifndef MIPS_FPDEC_H
#define MIPS_FPDEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses [+-]digits[.digits][(e|E)[+-]digits] (at least one digit) at s[0..len) into the nearest
 * binary32 (single) or binary64, ties to even (IEEE 754-2008 5.12.2). Returns the characters
 * used, 0 if there is no number there.
 */
size_t mips_fpdec_parse(const char *s, size_t len, bool single, uint64_t *bits);

/* The text of C's printf("%.8f") of a binary64 (SPIM's print_float of the widened single);
 * out holds at least MIPS_FPDEC_F8_MAX bytes. Returns the length, out NUL-terminated. */
#define MIPS_FPDEC_F8_MAX	330
size_t mips_fpdec_format_f8(uint64_t bits, char *out);
/* printf("%.18g") of a binary64 (SPIM's print_double); out holds at least MIPS_FPDEC_G18_MAX bytes. */
#define MIPS_FPDEC_G18_MAX	32
size_t mips_fpdec_format_g18(uint64_t bits, char *out);

#endif
