/* loader.h: loading a multiboot (v1) ELF32 kernel into guest memory, as GRUB or qemu -kernel would. */
#ifndef VMX_LOADER_H
#define VMX_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "vmx/ept.h"

/* Multiboot spec 0.6.96, 3.2: the value in EAX when the kernel starts. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

struct guest_boot {
	uint32_t entry;     /* guest-physical entry point */
	uint32_t info_gpa;  /* multiboot information block, for EBX */
};

/* Loads image [img, img+len) into m, builds the multiboot information (memory sizes, memory map,
 * cmdline, loader name) and fills b. Returns 0, or -1 with the reason written to err. */
int loader_load_multiboot(struct guest_memory *m, const uint8_t *img, size_t len, const char *cmdline,
			  struct guest_boot *b, char *err, size_t errsz);

#endif
