/* options.c: key=value words of the kernel and module command lines. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/options.h"

#define MAX_VALUE 128

struct option {
	const char *name, *help;
	bool given;
	char value[MAX_VALUE];
};

#define X(name, help) { #name, help, false, "" },
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
	for (size_t i = 0; i < NOPTIONS; i++)
		kprintf("    %-14s %s\n", options[i].name, options[i].help);
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
