/* triple.c: negative guest: an exception with no usable IDT escalates to a triple fault. */
#include "guest.h"

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} no_idt = { 0, 0 };
	gprintf("loading an empty IDT, then ud2\n");
	__asm__ volatile("lidt %0; ud2" ::"m"(no_idt));
	gprintf("FAIL: still running after the triple fault\n");
	return 1;
}
