/* test_options.c: command-line words, key=value lookup and sizes. */
#include <stdint.h>
#include <string.h>

#include "kernel/options.h"
#include "tests/check.h"

static int size_is(const char *s, uint64_t want)
{
	uint64_t v = 0;
	return parse_size(s, &v) == 0 && v == want;
}

static int size_bad(const char *s)
{
	uint64_t v;
	return parse_size(s, &v) < 0;
}

int main(void)
{
	CHECK(size_is("4096", 4096), "decimal");
	CHECK(size_is("0x1000", 4096), "hex");
	CHECK(size_is("64M", 64ull << 20) && size_is("64m", 64ull << 20), "M suffix");
	CHECK(size_is("2G", 2ull << 30) && size_is("16K", 16384), "G and K suffixes");
	CHECK(size_bad("") && size_bad("M") && size_bad("12Q") && size_bad("0x") && size_bad("-1"), "malformed sizes refused");
	CHECK(size_bad("99999999999999999999") && size_bad("17179869184G"), "overflow refused");

	const char *p = "500ms", *q = "0x10";
	uint64_t n = 0;
	CHECK(parse_uint(&p, false, &n) == 0 && n == 500 && !strcmp(p, "ms"), "parse_uint stops after the digits");
	CHECK(parse_uint(&q, false, &n) == 0 && n == 0 && !strcmp(q, "x10"), "parse_uint without hex reads 0x10 as 0");
	const char *line = "guest name=testguest mem=64M timeout=5s";
	char buf[16];
	CHECK(kv_find(line, "name", buf, sizeof(buf)) && !strcmp(buf, "testguest"), "name=");
	CHECK(kv_find(line, "mem", buf, sizeof(buf)) && !strcmp(buf, "64M"), "mem=");
	CHECK(kv_find(line, "nam", buf, sizeof(buf)) == NULL, "prefix of a key does not match");
	CHECK(kv_find(line, "guest", buf, sizeof(buf)) == NULL, "a bare word has no value");
	CHECK(kv_has_word(line, "guest") && !kv_has_word(line, "gues") && !kv_has_word(line, "name"), "bare words");
	char tiny[4];
	CHECK(kv_find(line, "name", tiny, sizeof(tiny)) && !strcmp(tiny, "tes"), "long values truncated to the buffer");
	CHECK(kv_find("", "x", buf, sizeof(buf)) == NULL && !kv_has_word("", "x"), "empty line");
	return check_summary();
}
