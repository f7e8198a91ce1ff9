/* options.c: key=value words of the kernel and module command lines. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/options.h"

#define MAX_VALUE 128

struct option {
	const char *name, *help;
	const char *const *values; /* NULL-terminated; empty for a free-form value */
	bool given;
	char value[MAX_VALUE];
};

#define VALUE_WORD(id, word) word,
#define X(name, values, help) static const char *const name##_values[] = { values(VALUE_WORD) NULL };
KERNEL_OPTIONS(X)
#undef X
#undef VALUE_WORD
#define X(name, values, help) { #name, help, name##_values, false, "" },
static struct option options[] = { KERNEL_OPTIONS(X) };
#undef X
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static struct option *find(const char *key, size_t len)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, key, len))
			return &options[i];
	return NULL;
}

static void list_known(void)
{
	kprintf("  known options:\n");
	char words[MAX_VALUE];
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option *o = &options[i];
		if (o->values[0])
			kprintf("    %-14s %s: %s\n", o->name, option_values(o->name, "|", "|", words, sizeof(words)),
				o->help);
		else
			kprintf("    %-14s %s\n", o->name, o->help);
	}
}

int options_parse(const char *s)
{
	int errors = 0;
	bool first = true;
	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		const char *word = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		size_t len = s - word;
		if (first && word[0] == '/') { /* some loaders put the kernel's path first */
			first = false;
			continue;
		}
		first = false;
		const char *eq = memchr(word, '=', len);
		size_t key_len = eq ? (size_t)(eq - word) : len;
		struct option *o = find(word, key_len);
		if (!o) {
			log_warn("command line: unknown option '%.*s' ignored\n", (int)len, word);
			errors++;
			continue;
		}
		size_t vlen = eq ? len - key_len - 1 : 0;
		if (vlen >= MAX_VALUE) {
			log_warn("command line: value of '%s' longer than %d characters ignored\n", o->name, MAX_VALUE - 1);
			errors++;
			continue;
		}
		memcpy(o->value, eq ? eq + 1 : "", vlen);
		o->value[vlen] = 0;
		o->given = true;
	}
	if (errors)
		list_known();
	return errors;
}

const char *option_get(const char *key)
{
	struct option *o = find(key, strlen(key));
	return o && o->given ? o->value : NULL;
}

int option_choice(const char *key)
{
	struct option *o = find(key, strlen(key));
	if (!o || !o->given)
		return -1;
	for (int i = 0; o->values[i]; i++)
		if (!strcmp(o->value, o->values[i]))
			return i;
	return -2;
}

const char *option_values(const char *key, const char *sep, const char *last, char *buf, size_t size)
{
	struct option *o = find(key, strlen(key));
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; o && o->values[i] && n < size; i++)
		n += ksnprintf(buf + n, size - n, "%s%s", i == 0 ? "" : o->values[i + 1] ? sep : last, o->values[i]);
	return buf;
}

uint64_t option_get_u64(const char *key, uint64_t def)
{
	const char *v = option_get(key);
	uint64_t n;
	if (!v)
		return def;
	if (parse_size(v, &n) < 0) {
		log_warn("command line: %s=%s is not a number; using %llu\n", key, v, (unsigned long long)def);
		return def;
	}
	return n;
}
