/* keymap.h: PC keyboard scan codes (set 1, or set 2 when the i8042 does not translate) to the
 * bytes a serial terminal would send for the same keys (US layout), so the shell takes both alike. */
#ifndef KERNEL_DEV_KEYMAP_H
#define KERNEL_DEV_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

#define KEYMAP_MAX_OUT 3 /* the longest a key types: ESC [ A */

/* Keys that type no character of their own. */
enum {
	KEY_LSHIFT = 0x100, KEY_RSHIFT, KEY_LCTRL, KEY_RCTRL, KEY_CAPS,
	KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT,
};

/* X(extended, set1, set2, plain, shifted): one key. extended: sent after the 0xE0 prefix.
 * Scan codes from IBM's PC/AT and PS/2 keyboard references (set 1 = what an 8042 translates to). */
#define KEYMAP_KEYS(X)                                                                                       \
	X(0, 0x01, 0x76, 0x1b, 0x1b) X(0, 0x02, 0x16, '1', '!') X(0, 0x03, 0x1e, '2', '@')                   \
	X(0, 0x04, 0x26, '3', '#') X(0, 0x05, 0x25, '4', '$') X(0, 0x06, 0x2e, '5', '%')                      \
	X(0, 0x07, 0x36, '6', '^') X(0, 0x08, 0x3d, '7', '&') X(0, 0x09, 0x3e, '8', '*')                      \
	X(0, 0x0a, 0x46, '9', '(') X(0, 0x0b, 0x45, '0', ')') X(0, 0x0c, 0x4e, '-', '_')                      \
	X(0, 0x0d, 0x55, '=', '+') X(0, 0x0e, 0x66, 0x7f, 0x7f) X(0, 0x0f, 0x0d, '\t', '\t')                  \
	X(0, 0x10, 0x15, 'q', 'Q') X(0, 0x11, 0x1d, 'w', 'W') X(0, 0x12, 0x24, 'e', 'E')                      \
	X(0, 0x13, 0x2d, 'r', 'R') X(0, 0x14, 0x2c, 't', 'T') X(0, 0x15, 0x35, 'y', 'Y')                      \
	X(0, 0x16, 0x3c, 'u', 'U') X(0, 0x17, 0x43, 'i', 'I') X(0, 0x18, 0x44, 'o', 'O')                      \
	X(0, 0x19, 0x4d, 'p', 'P') X(0, 0x1a, 0x54, '[', '{') X(0, 0x1b, 0x5b, ']', '}')                      \
	X(0, 0x1c, 0x5a, '\r', '\r') X(0, 0x1d, 0x14, KEY_LCTRL, KEY_LCTRL) X(0, 0x1e, 0x1c, 'a', 'A')        \
	X(0, 0x1f, 0x1b, 's', 'S') X(0, 0x20, 0x23, 'd', 'D') X(0, 0x21, 0x2b, 'f', 'F')                      \
	X(0, 0x22, 0x34, 'g', 'G') X(0, 0x23, 0x33, 'h', 'H') X(0, 0x24, 0x3b, 'j', 'J')                      \
	X(0, 0x25, 0x42, 'k', 'K') X(0, 0x26, 0x4b, 'l', 'L') X(0, 0x27, 0x4c, ';', ':')                      \
	X(0, 0x28, 0x52, '\'', '"') X(0, 0x29, 0x0e, '`', '~') X(0, 0x2a, 0x12, KEY_LSHIFT, KEY_LSHIFT)       \
	X(0, 0x2b, 0x5d, '\\', '|') X(0, 0x2c, 0x1a, 'z', 'Z') X(0, 0x2d, 0x22, 'x', 'X')                     \
	X(0, 0x2e, 0x21, 'c', 'C') X(0, 0x2f, 0x2a, 'v', 'V') X(0, 0x30, 0x32, 'b', 'B')                      \
	X(0, 0x31, 0x31, 'n', 'N') X(0, 0x32, 0x3a, 'm', 'M') X(0, 0x33, 0x41, ',', '<')                      \
	X(0, 0x34, 0x49, '.', '>') X(0, 0x35, 0x4a, '/', '?') X(0, 0x36, 0x59, KEY_RSHIFT, KEY_RSHIFT)        \
	X(0, 0x37, 0x7c, '*', '*') X(0, 0x39, 0x29, ' ', ' ') X(0, 0x3a, 0x58, KEY_CAPS, KEY_CAPS)            \
	X(0, 0x4a, 0x7b, '-', '-') X(0, 0x4e, 0x79, '+', '+')                                                 \
	X(1, 0x1c, 0x5a, '\r', '\r') X(1, 0x1d, 0x14, KEY_RCTRL, KEY_RCTRL) X(1, 0x35, 0x4a, '/', '/')         \
	X(1, 0x48, 0x75, KEY_UP, KEY_UP) X(1, 0x50, 0x72, KEY_DOWN, KEY_DOWN)                                 \
	X(1, 0x4d, 0x74, KEY_RIGHT, KEY_RIGHT) X(1, 0x4b, 0x6b, KEY_LEFT, KEY_LEFT)

struct keymap {
	int set;           /* 1 or 2 */
	bool extended;     /* after 0xE0 */
	bool release;      /* set 2: after 0xF0 */
	int skip;          /* bytes of a Pause sequence (0xE1 ...) still to drop */
	bool shift[2], ctrl[2], caps;
};

void keymap_init(struct keymap *k, int set);
/* Feeds one byte from the keyboard; stores what the key types (0 to KEYMAP_MAX_OUT bytes) in out
 * and returns how many. Unknown keys type nothing. */
int keymap_feed(struct keymap *k, uint8_t byte, char *out);

#endif
