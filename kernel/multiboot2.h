/* multiboot2.h: the boot information layout, Multiboot2 Specification version 2.0, section 3.6. */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289 /* 3.2: EAX on entry */

/* 3.6: tag types */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_EFI32 11	/* the EFI system table's address: booted by UEFI */
#define MB2_TAG_EFI64 12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18	/* EFI boot services were not exited */

struct mb2_info_header {
	uint32_t total_size, reserved;
};

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_tag_string { /* cmdline, loader name */
	uint32_t type, size;
	char string[];
};

struct mb2_tag_module {
	uint32_t type, size;
	uint32_t mod_start, mod_end;
	char cmdline[];
};

struct mb2_tag_mmap {
	uint32_t type, size;
	uint32_t entry_size, entry_version;
};

struct mb2_mmap_entry {
	uint64_t base_addr, length;
	uint32_t type, reserved;
};

/* 3.6.12: framebuffer info; color_info follows (for RGB: red, green, blue position and size). */
struct mb2_tag_framebuffer {
	uint32_t type, size;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, fb_type;
	uint16_t reserved;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct mb2_tag_efi64 {
	uint32_t type, size;
	uint64_t system_table;
};

struct mb2_tag_efi32 {
	uint32_t type, size;
	uint32_t system_table;
};

/* 3.6.15: the EFI memory map as GetMemoryMap returned it (UEFI 2.x, 7.2 EFI_MEMORY_DESCRIPTOR). */
struct mb2_tag_efi_mmap {
	uint32_t type, size;
	uint32_t descriptor_size, descriptor_version;
};

struct efi_memory_descriptor {
	uint32_t type, pad;
	uint64_t physical_start, virtual_start, pages, attribute;
};

_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "multiboot2 mmap entry is 24 bytes (3.6.8)");
_Static_assert(sizeof(struct mb2_tag_module) == 16, "module tag header is 16 bytes (3.6.6)");
_Static_assert(offsetof(struct mb2_tag_framebuffer, red_pos) == 32, "RGB color info follows 32 bytes (3.6.12)");
_Static_assert(sizeof(struct efi_memory_descriptor) == 40, "EFI memory descriptor is 40 bytes");

#endif
