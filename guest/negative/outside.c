/* outside.c: negative guest: writes to guest-physical memory beyond what Tally gave it. */
#include "guest.h"

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	uint32_t end = (mbi->mem_upper + 1024) * 1024;
	volatile uint32_t *beyond = (volatile uint32_t *)(end + 0x100000);
	gprintf("memory ends at 0x%x, writing to 0x%x\n", end, (uint32_t)beyond);
	*beyond = 0xbad;
	gprintf("FAIL: the write outside guest memory went through\n");
	return 1;
}
