/* guest.c: running the VMX guests handed over as GRUB modules. */
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/options.h"

void vmx_run_guests(void)
{
	for (size_t i = 0; i < boot_info.module_count; i++)
		if (kv_has_word(boot_info.modules[i].cmdline, "guest"))
			log_err("guest module %zu: VMX guests are not supported yet\n", i);
}
