/* loader.h: loading a multiboot (v1) ELF32 kernel into guest memory, as GRUB or qemu -kernel would. */
#ifndef VMX_LOADER_H
#define VMX_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "vmx/ept.h"

/* Multiboot spec 0.6.96, 3.2: the value in EAX when the kernel starts. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

/* How a guest starts: a multiboot kernel in 32-bit protected mode (this file), or a Linux bzImage
 * at its 64-bit entry (vmx/linux_boot.h). */
enum guest_entry { GUEST_ENTRY_MULTIBOOT, GUEST_ENTRY_LINUX64 };

struct guest_boot {
	enum guest_entry kind;
	uint32_t entry;     /* guest-physical entry point */
	uint32_t info_gpa;  /* multiboot: information block, for EBX; Linux: zero page, for RSI */
	uint32_t cr3;       /* Linux: the identity page tables Tally built */
	uint32_t gdt;       /* Linux: a GDT with __BOOT_CS and __BOOT_DS */
	uint16_t gdt_limit;
	uint32_t stack;     /* Linux: RSP, in free low RAM (the protocol names none; the kernel sets its own) */
};

/* Loads image [img, img+len) into m, builds the multiboot information (memory sizes, memory map,
 * cmdline, loader name) and fills b. Returns 0, or -1 with the reason written to err. */
int loader_load_multiboot(struct guest_memory *m, const uint8_t *img, size_t len, const char *cmdline,
			  struct guest_boot *b, char *err, size_t errsz);

#endif
