/* keymap.c: scan code sets 1 and 2 to terminal bytes: modifiers, Caps Lock, Ctrl-letter control
 * codes, and the cursor keys as the VT100 sequences the shell's line editor knows. */
#include <string.h>

#include "kernel/dev/keymap.h"

#define SCAN_EXTENDED 0xe0
#define SCAN_PAUSE 0xe1      /* set 1: E1 1D 45 E1 9D C5; set 2: E1 14 77 E1 F0 14 F0 77 */
#define SCAN_PAUSE_BYTES 2   /* after each E1, besides set 2's F0 prefixes */
#define SET1_RELEASE 0x80
#define SET2_RELEASE 0xf0
#define SET2_ACK 0xfa        /* answers and errors the keyboard sends in either set */
#define SCAN_OVERRUN 0x00

struct key {
	uint8_t extended, set1, set2;
	uint16_t plain, shifted;
};

#define X(ext, s1, s2, plain, shifted) { ext, s1, s2, plain, shifted },
static const struct key keys[] = { KEYMAP_KEYS(X) };
#undef X

void keymap_init(struct keymap *k, int set)
{
	memset(k, 0, sizeof(*k));
	k->set = set;
}

static const struct key *find(const struct keymap *k, uint8_t code)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].extended == k->extended && (k->set == 1 ? keys[i].set1 : keys[i].set2) == code)
			return &keys[i];
	return NULL;
}

/* A press of a character key: its byte under Shift, Caps Lock and Ctrl. */
static int type_char(const struct keymap *k, const struct key *key, char *out)
{
	bool shift = k->shift[0] || k->shift[1];
	bool letter = key->plain >= 'a' && key->plain <= 'z';
	uint16_t c = (shift != (letter && k->caps)) ? key->shifted : key->plain;
	if ((k->ctrl[0] || k->ctrl[1]) && ((c >= 'a' && c <= 'z') || (c >= '@' && c <= '_')))
		c &= 0x1f; /* Ctrl-C 0x03, Ctrl-U 0x15, Ctrl-] 0x1d ... */
	out[0] = (char)c;
	return 1;
}

static int key_event(struct keymap *k, const struct key *key, bool release, char *out)
{
	switch (key->plain) {
	case KEY_LSHIFT: case KEY_RSHIFT: k->shift[key->plain - KEY_LSHIFT] = !release; return 0;
	case KEY_LCTRL: case KEY_RCTRL: k->ctrl[key->plain - KEY_LCTRL] = !release; return 0;
	case KEY_CAPS: k->caps ^= !release; return 0;
	default: break;
	}
	if (release)
		return 0;
	if (key->plain >= KEY_UP && key->plain <= KEY_LEFT) {
		out[0] = 0x1b, out[1] = '[', out[2] = (char)('A' + key->plain - KEY_UP);
		return 3;
	}
	return type_char(k, key, out);
}

int keymap_feed(struct keymap *k, uint8_t byte, char *out)
{
	if (k->skip) {
		if (!(k->set == 2 && byte == SET2_RELEASE))
			k->skip--;
		return 0;
	}
	if (byte == SCAN_PAUSE) {
		k->skip = SCAN_PAUSE_BYTES;
		return 0;
	}
	if (byte == SCAN_EXTENDED) {
		k->extended = true;
		return 0;
	}
	if (byte == SCAN_OVERRUN || byte >= SET2_ACK) { /* answers, overruns: no key */
		k->extended = k->release = false;
		return 0;
	}
	if (k->set == 2 && byte == SET2_RELEASE) {
		k->release = true;
		return 0;
	}
	bool release = k->set == 1 ? (byte & SET1_RELEASE) != 0 : k->release;
	uint8_t code = k->set == 1 ? byte & (uint8_t)~SET1_RELEASE : byte;
	const struct key *key = find(k, code);
	int n = key ? key_event(k, key, release, out) : 0;
	k->extended = k->release = false;
	return n;
}
