/* bootinfo.h: what the boot loader handed over (multiboot2): memory map, command line, modules. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define BOOT_MAX_MODULES 32
#define BOOT_MAX_MMAP 64

/* Multiboot2 spec 3.6.8 memory types. */
#define MMAP_AVAILABLE 1
#define MMAP_ACPI_RECLAIMABLE 3
#define MMAP_NVS 4
#define MMAP_BADRAM 5

struct mmap_entry {
	uint64_t base, length;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end; /* physical, end exclusive */
	const char *cmdline; /* the text after the module's path in grub.cfg */
};

struct boot_info {
	const char *cmdline;
	const char *loader_name;
	struct mmap_entry mmap[BOOT_MAX_MMAP];
	size_t mmap_count;
	struct boot_module modules[BOOT_MAX_MODULES];
	size_t module_count;
	uint64_t acpi_rsdp; /* physical address of a copy of the RSDP, 0 if none */
	uint64_t info_start, info_end;
};

extern struct boot_info boot_info;

/* Fills boot_info from the multiboot2 information; returns 0 or -1 with a message printed. */
int bootinfo_parse(uint32_t magic, uint64_t info_addr);
/* Highest end address of available RAM. */
uint64_t bootinfo_ram_top(void);

#endif
