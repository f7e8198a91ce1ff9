/* multiboot2.h: the boot information layout, Multiboot2 Specification version 2.0, section 3.6. */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289 /* 3.2: EAX on entry */

/* 3.6: tag types */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

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

_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "multiboot2 mmap entry is 24 bytes (3.6.8)");
_Static_assert(sizeof(struct mb2_tag_module) == 16, "module tag header is 16 bytes (3.6.6)");

#endif
