/* vmxon.c: negative guest: executes VMXON; Tally must answer with #UD, as a CPU without VT-x. */
#include "guest.h"

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	static uint64_t region;
	gprintf("executing VMXON\n");
	int vector = try_vmxon(&region);
	gprintf("VMXON raised vector %d\n", vector);
	return vector == 6 ? 0 : 1;
}
