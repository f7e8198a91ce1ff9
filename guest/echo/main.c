/* main.c: the echo guest: reads lines from its COM1 (polling LSR data-ready) and prints each back as
 * "echo: <line>"; the line "quit" ends it through port 0xf4 with code 0. Tests `console NAME`. */
#include "guest.h"

/* 16550 registers (TI PC16550D datasheet, table 2) */
#define COM1 0x3f8
#define COM1_RBR COM1
#define COM1_LSR (COM1 + 5)
#define LSR_DATA_READY 0x01
#define LINE_MAX 80

static char getc_polled(void)
{
	while (!(inb(COM1_LSR) & LSR_DATA_READY))
		__asm__ volatile("pause");
	return (char)inb(COM1_RBR);
}

static bool is_quit(const char *s) { return s[0] == 'q' && s[1] == 'u' && s[2] == 'i' && s[3] == 't' && !s[4]; }

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	char line[LINE_MAX + 1];
	int len = 0;
	gprintf("ready: type lines, 'quit' ends\n");
	for (;;) {
		char c = getc_polled();
		if (c != '\r' && c != '\n') {
			if (len < LINE_MAX && c >= 0x20 && c < 0x7f)
				line[len++] = c;
			continue;
		}
		if (!len)
			continue; /* the \n of a \r\n pair, or an empty line */
		line[len] = 0;
		len = 0;
		gprintf("echo: %s\n", line);
		if (is_quit(line))
			return 0;
	}
}
