/* spin.c: negative guest: spins forever with interrupts off; only its timeout= can end it. */
#include "guest.h"

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	gprintf("spinning with interrupts off\n");
	__asm__ volatile("cli; 1: jmp 1b");
	return 1;
}
