/* test_format.c: the kernel's printf engine against the C library's for the same formats. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/lib/format.h"
#include "tests/check.h"

static char ours[256], theirs[256];

__attribute__((format(printf, 1, 2))) static void same(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n1 = format_vsnprintf(ours, sizeof(ours), fmt, ap);
	int n2 = vsnprintf(theirs, sizeof(theirs), fmt, ap2);
	va_end(ap);
	va_end(ap2);
	CHECK(n1 == n2 && !strcmp(ours, theirs), "\"%s\" -> \"%s\" (libc \"%s\")", fmt, ours, theirs);
}

static int our_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int main(void)
{
	same("%d %i %u", -42, 17, 4000000000u);
	same("%x %X %o", 0xbeefu, 0xbeefu, 8u);
	same("%lx %llu %lld", 0xfedcba9876543210ul, 18446744073709551615ull, -9223372036854775807ll - 1);
	same("%5d|%-5d|%05d|%-5d", 42, 42, 42, -42);
	same("%08x|%8x|%-8x|", 0x1234u, 0x1234u, 0x1234u);
	same("%s|%10s|%-10s|%.3s", "tally", "tally", "tally", "tally");
	same("%c%c%c", 'a', 'b', 'c');
	same("%p", (void *)0x1000);
	same("100%%");
	same("%+d % d %zu %hhu %hd", 5, 5, (size_t)77, (unsigned char)300, (short)70000);
	same("%*d|%-*d|", 6, 12, 6, 12);
	same("%.5d|%8.3d", 42, 7);
	same("%d", 0);
	same("%x", 0u);

	/* Truncation: NUL-terminated, returns the untruncated length. */
	char small[5];
	int n = our_snprintf(small, sizeof(small), "%s-%d", "abcdefgh", 12);
	CHECK(n == 11 && !strcmp(small, "abcd"), "truncated to \"%s\", length %d", small, n);
	n = our_snprintf(small, 0, "%d", 123);
	CHECK(n == 3, "size 0 writes nothing and returns the length");
	return check_summary();
}
