/* kv.c: words and key=value pairs of command lines, and sizes like "64M"; no kernel dependencies,
 * so hosted tests use it as it is. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "kernel/options.h"

int parse_uint(const char **sp, bool hex, uint64_t *out)
{
	const char *s = *sp;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	uint64_t v = 0;
	int base = 10;
	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return -1;
	}
	for (; isxdigit((unsigned char)*s) && (base == 16 || isdigit((unsigned char)*s)); s++) {
		unsigned d = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*sp = s;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	if (parse_uint(&s, true, &v) < 0)
		return -1;
	unsigned shift = 0;
	switch (toupper((unsigned char)*s)) {
	case 'K': shift = 10; s++; break;
	case 'M': shift = 20; s++; break;
	case 'G': shift = 30; s++; break;
	default: break;
	}
	if (*s || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

/* The next whitespace-delimited word at or after *s: sets *len and advances *s past it; NULL at the end. */
static const char *next_word(const char **s, size_t *len)
{
	while (isspace((unsigned char)**s))
		(*s)++;
	if (!**s)
		return NULL;
	const char *w = *s;
	while (**s && !isspace((unsigned char)**s))
		(*s)++;
	*len = (size_t)(*s - w);
	return w;
}

const char *kv_find(const char *words, const char *key, char *buf, int size)
{
	size_t klen = strlen(key), len;
	for (const char *w; (w = next_word(&words, &len));) {
		if (len > klen && !strncmp(w, key, klen) && w[klen] == '=') {
			int n = (int)(len - klen - 1);
			if (n >= size)
				n = size - 1;
			memcpy(buf, w + klen + 1, n);
			buf[n] = 0;
			return buf;
		}
	}
	return NULL;
}

bool kv_has_word(const char *words, const char *word)
{
	size_t want = strlen(word), len;
	for (const char *w; (w = next_word(&words, &len));)
		if (len == want && !strncmp(w, word, want))
			return true;
	return false;
}
