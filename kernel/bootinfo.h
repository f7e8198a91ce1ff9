/* bootinfo.h: what the boot loader handed over (multiboot2): memory map, command line, modules,
 * the screen, and whether BIOS or UEFI firmware booted the machine. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MAX_MODULES 32
#define BOOT_MAX_MMAP 128	/* after merging neighbours of one type; UEFI maps run long */

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

/* The screen GRUB left: a linear framebuffer (UEFI's GOP, or a VBE mode under BIOS) or VGA text. */
enum boot_fb_kind { BOOT_FB_NONE, BOOT_FB_RGB, BOOT_FB_EGA_TEXT, BOOT_FB_INDEXED };

struct boot_framebuffer {
	enum boot_fb_kind kind;
	uint64_t addr;
	uint32_t pitch, width, height; /* bytes a row; pixels (characters for EGA text) */
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
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
	struct boot_framebuffer fb;
	uint64_t efi_system_table; /* 0 unless UEFI firmware booted the machine */
	bool efi_boot_services;    /* the loader left them running (Tally never asks it to) */
};

extern struct boot_info boot_info;

/* Fills boot_info from the multiboot2 information; returns 0 or -1 with a message printed. */
int bootinfo_parse(uint32_t magic, uint64_t info_addr);
/* "UEFI" or "BIOS", with the EFI system table's address: the banner's Firmware line. */
void bootinfo_describe_firmware(void);
/* Highest end address of available RAM. */
uint64_t bootinfo_ram_top(void);

#endif
