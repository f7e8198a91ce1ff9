/* test_keymap.c: scan code sets 1 and 2 to terminal bytes: every key of the table alike in both
 * sets, modifiers, Caps Lock, Ctrl codes, cursor keys, prefixes that are not keys. */
#include <string.h>

#include "kernel/dev/keymap.h"
#include "tests/check.h"

/* What the bytes type, as a string (NUL-free: no key types NUL). */
static const char *typed(int set, const uint8_t *bytes, size_t n)
{
	static char out[256];
	struct keymap k;
	keymap_init(&k, set);
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		char buf[KEYMAP_MAX_OUT];
		int got = keymap_feed(&k, bytes[i], buf);
		for (int j = 0; j < got && len + 1 < sizeof(out); j++)
			out[len++] = buf[j];
	}
	out[len] = 0;
	return out;
}

#define TYPED(set, ...) typed(set, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

struct key { int ext, set1, set2, plain, shifted; };
#define X(ext, s1, s2, p, s) { ext, s1, s2, p, s },
static const struct key keys[] = { KEYMAP_KEYS(X) };
#undef X
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* One press and release of key i in a set, after Shift when shifted. */
static const char *press(int set, size_t i, int shifted)
{
	uint8_t b[16];
	size_t n = 0;
	int code = set == 1 ? keys[i].set1 : keys[i].set2;
	if (shifted)
		b[n++] = set == 1 ? 0x2a : 0x12;
	if (keys[i].ext)
		b[n++] = 0xe0;
	b[n++] = (uint8_t)code;
	if (keys[i].ext)
		b[n++] = 0xe0;
	if (set == 1) {
		b[n++] = (uint8_t)(code | 0x80);
	} else {
		b[n++] = 0xf0;
		b[n++] = (uint8_t)code;
	}
	return typed(set, b, n);
}

static void table(void)
{
	int dup = 0, differ = 0, typed_keys = 0;
	for (size_t i = 0; i < NKEYS; i++)
		for (size_t j = i + 1; j < NKEYS; j++)
			if (keys[i].ext == keys[j].ext && (keys[i].set1 == keys[j].set1 || keys[i].set2 == keys[j].set2))
				dup++;
	CHECK(dup == 0, "no two keys share a scan code in either set (%zu keys)", NKEYS);
	for (size_t i = 0; i < NKEYS; i++) {
		for (int shifted = 0; shifted < 2; shifted++) {
			char one[8];
			snprintf(one, sizeof(one), "%s", press(1, i, shifted));
			if (strcmp(one, press(2, i, shifted)))
				differ++;
			if (keys[i].plain < 0x100)
				typed_keys += one[0] == (shifted ? keys[i].shifted : keys[i].plain) ? 1 : 0;
		}
	}
	CHECK(differ == 0, "every key types the same in set 1 and set 2, with and without Shift");
	int want = 0;
	for (size_t i = 0; i < NKEYS; i++)
		want += keys[i].plain < 0x100 ? 2 : 0;
	CHECK(typed_keys == want, "every character key types its character, Shift its shifted one (%d of %d)",
	      typed_keys, want);
}

int main(void)
{
	table();
	CHECK(!strcmp(TYPED(1, 0x2f, 0xaf, 0x32, 0xb2, 0x1f, 0x9f, 0x1c, 0x9c), "vms\r"), "set 1: vms Enter");
	CHECK(!strcmp(TYPED(2, 0x2a, 0xf0, 0x2a, 0x3a, 0xf0, 0x3a, 0x1b, 0xf0, 0x1b, 0x5a, 0xf0, 0x5a), "vms\r"),
	      "set 2: vms Enter (F0 releases)");
	CHECK(!strcmp(TYPED(1, 0x2a, 0x1e, 0x9e, 0xaa, 0x1e), "Aa"), "set 1: Shift held, then released");
	CHECK(!strcmp(TYPED(2, 0x59, 0x1c, 0xf0, 0x1c, 0xf0, 0x59, 0x1c), "Aa"), "set 2: right Shift held, then released");
	CHECK(!strcmp(TYPED(1, 0x3a, 0xba, 0x1e, 0x02, 0x2a, 0x1e), "A1a"),
	      "Caps Lock: capitals only for letters; Shift undoes it");
	CHECK(!strcmp(TYPED(1, 0x1d, 0x2e, 0x16, 0x11, 0x1b, 0x9d, 0x2e), "\x03\x15\x17\x1d" "c"),
	      "Ctrl-C, Ctrl-U, Ctrl-W, Ctrl-] (the console escape), then c after Ctrl is released");
	CHECK(!strcmp(TYPED(2, 0xe0, 0x14, 0x21, 0xe0, 0xf0, 0x14, 0x21), "\x03" "c"), "set 2: right Ctrl (E0 14)");
	CHECK(!strcmp(TYPED(1, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0x4b, 0xe0, 0x4d), "\x1b[A\x1b[B\x1b[D\x1b[C"),
	      "set 1: the cursor keys as VT100 sequences");
	CHECK(!strcmp(TYPED(2, 0xe0, 0x75, 0xe0, 0xf0, 0x75, 0x75), "\x1b[A"),
	      "set 2: up arrow (E0 75); keypad 8 (75 alone) types nothing");
	CHECK(!strcmp(TYPED(1, 0xe0, 0x2a, 0xe0, 0x37, 0x1e), "a"), "set 1: Print Screen's fake Shift (E0 2A) is no Shift");
	CHECK(!strcmp(TYPED(2, 0xe0, 0x12, 0xe0, 0x7c, 0x1c), "a"), "set 2: Print Screen's fake Shift (E0 12) is no Shift");
	CHECK(!strcmp(TYPED(1, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), "a"), "set 1: Pause's six bytes type nothing");
	CHECK(!strcmp(TYPED(2, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77, 0x1c), "a"),
	      "set 2: Pause's eight bytes type nothing");
	CHECK(!strcmp(TYPED(2, 0xfa, 0xe0, 0xfa, 0x1c, 0xaa, 0x1c), "aa"),
	      "acknowledgements and self-test bytes type nothing and end a prefix");
	CHECK(!strcmp(TYPED(1, 0x3b, 0x57, 0x1e), "a"), "keys outside the table (F1, F11) type nothing");
	return check_summary();
}
