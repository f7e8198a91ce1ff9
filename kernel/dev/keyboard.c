/* keyboard.c: i8042 PS/2 controller, polled (Tally takes no device interrupts). Firmware leaves the
 * keyboard enabled; the controller's translation bit says whether bytes come in scan code set 1
 * (translated, the PC default) or set 2. Mouse bytes are dropped. */
#include <stdint.h>

#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/dev/keyboard.h"
#include "kernel/dev/keymap.h"

/* Intel 8042 / IBM PS/2 controller ports and bits. */
#define I8042_DATA 0x60
#define I8042_STATUS 0x64 /* read */
#define I8042_COMMAND 0x64 /* write */
#define I8042_STATUS_OUT_FULL 0x01
#define I8042_STATUS_IN_FULL 0x02
#define I8042_STATUS_AUX 0x20 /* the byte waiting is the mouse's */
#define I8042_CMD_READ_CONFIG 0x20
#define I8042_CMD_ENABLE_KBD 0xae
#define I8042_CONFIG_KBD_DISABLED 0x10
#define I8042_CONFIG_TRANSLATE 0x40
#define I8042_TIMEOUT_US 20000
#define I8042_FLUSH_MAX 64 /* bytes read at most in one go: a wedged controller cannot hold us */

static bool present;
static struct keymap map;
static char pending[KEYMAP_MAX_OUT];
static int pending_len, pending_pos;

static bool wait_status(uint8_t mask, bool set)
{
	for (int i = 0; i < I8042_TIMEOUT_US / 10; i++) {
		if (((inb(I8042_STATUS) & mask) != 0) == set)
			return true;
		delay_us(10);
	}
	return false;
}

/* The controller's configuration byte, or -1 when nothing answers. */
static int read_config(void)
{
	if (!wait_status(I8042_STATUS_IN_FULL, false))
		return -1;
	outb(I8042_COMMAND, I8042_CMD_READ_CONFIG);
	if (!wait_status(I8042_STATUS_OUT_FULL, true))
		return -1;
	return inb(I8042_DATA);
}

bool keyboard_init(void)
{
	/* No controller: the status port floats to 0xFF (or it never empties). */
	if (inb(I8042_STATUS) == 0xff) {
		kprintf("Keyboard: none (no i8042 controller)\n");
		return false;
	}
	for (int i = 0; i < I8042_FLUSH_MAX && (inb(I8042_STATUS) & I8042_STATUS_OUT_FULL); i++)
		(void)inb(I8042_DATA);
	int config = read_config();
	if (config < 0) {
		kprintf("Keyboard: none (the i8042 does not answer)\n");
		return false;
	}
	if (config & I8042_CONFIG_KBD_DISABLED) {
		if (wait_status(I8042_STATUS_IN_FULL, false))
			outb(I8042_COMMAND, I8042_CMD_ENABLE_KBD);
	}
	int set = config & I8042_CONFIG_TRANSLATE ? 1 : 2;
	keymap_init(&map, set);
	present = true;
	kprintf("Keyboard: PS/2 (i8042), scan code set %d%s\n", set,
		set == 1 ? " (the controller translates)" : "");
	return true;
}

bool keyboard_present(void)
{
	return present;
}

int keyboard_getc(void)
{
	if (!present)
		return -1;
	for (int i = 0; pending_pos == pending_len; i++) {
		if (i == I8042_FLUSH_MAX)
			return -1;
		uint8_t status = inb(I8042_STATUS);
		if (!(status & I8042_STATUS_OUT_FULL))
			return -1;
		uint8_t byte = inb(I8042_DATA);
		if (status & I8042_STATUS_AUX)
			continue;
		pending_len = keymap_feed(&map, byte, pending);
		pending_pos = 0;
	}
	return (unsigned char)pending[pending_pos++];
}
