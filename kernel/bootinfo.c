/* bootinfo.c: parses the multiboot2 information into struct boot_info, checking every size. */
#include <stdint.h>
#include <string.h>

#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/multiboot2.h"

struct boot_info boot_info;

static void parse_mmap(const struct mb2_tag_mmap *t)
{
	if (t->size < sizeof(*t) || t->entry_size < sizeof(struct mb2_mmap_entry)) {
		log_warn("multiboot2: memory map tag with bad sizes ignored\n");
		return;
	}
	const uint8_t *p = (const uint8_t *)(t + 1);
	const uint8_t *end = (const uint8_t *)t + t->size;
	for (; p + sizeof(struct mb2_mmap_entry) <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		if (boot_info.mmap_count == BOOT_MAX_MMAP) {
			log_warn("multiboot2: more than %d memory map entries; the rest ignored\n", BOOT_MAX_MMAP);
			return;
		}
		boot_info.mmap[boot_info.mmap_count++] =
			(struct mmap_entry){ .base = e->base_addr, .length = e->length, .type = e->type };
	}
}

static void parse_module(const struct mb2_tag_module *t)
{
	if (boot_info.module_count == BOOT_MAX_MODULES) {
		log_warn("multiboot2: more than %d modules; the rest ignored\n", BOOT_MAX_MODULES);
		return;
	}
	if (t->mod_end < t->mod_start) {
		log_warn("multiboot2: module with end before start ignored\n");
		return;
	}
	boot_info.modules[boot_info.module_count++] = (struct boot_module){
		.start = t->mod_start,
		.end = t->mod_end,
		.cmdline = t->size > sizeof(*t) ? t->cmdline : "",
	};
}

static void parse_tag(const struct mb2_tag *tag)
{
	const struct mb2_tag_string *s = (const void *)tag;
	switch (tag->type) {
	case MB2_TAG_CMDLINE: boot_info.cmdline = s->string; break;
	case MB2_TAG_LOADER_NAME: boot_info.loader_name = s->string; break;
	case MB2_TAG_MODULE: parse_module((const void *)tag); break;
	case MB2_TAG_MMAP: parse_mmap((const void *)tag); break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* The tag holds a copy of the RSDP; prefer the ACPI 2.0 one. */
		if (!boot_info.acpi_rsdp || tag->type == MB2_TAG_ACPI_NEW)
			boot_info.acpi_rsdp = (uintptr_t)(tag + 1);
		break;
	default: break; /* framebuffer, ELF sections, APM...: Tally has no use for them */
	}
}

int bootinfo_parse(uint32_t magic, uint64_t info_addr)
{
	boot_info.cmdline = "";
	boot_info.loader_name = "unknown";
	if (magic != MB2_BOOTLOADER_MAGIC) {
		log_err("boot: magic 0x%x is not the multiboot2 magic 0x%x\n", magic, MB2_BOOTLOADER_MAGIC);
		return -1;
	}
	const struct mb2_info_header *h = (const void *)(uintptr_t)info_addr;
	boot_info.info_start = info_addr;
	boot_info.info_end = info_addr + h->total_size;
	const uint8_t *p = (const uint8_t *)(h + 1);
	const uint8_t *end = (const uint8_t *)h + h->total_size;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const void *)p;
		if (tag->type == MB2_TAG_END)
			return 0;
		if (tag->size < sizeof(*tag) || p + tag->size > end) {
			log_err("multiboot2: tag %u at 0x%lx has bad size %u\n", tag->type,
				(unsigned long)(uintptr_t)p, tag->size);
			return -1;
		}
		parse_tag(tag);
		p += (tag->size + 7) & ~7u; /* 3.6: tags are 8-byte aligned */
	}
	log_err("multiboot2: information has no end tag\n");
	return -1;
}

uint64_t bootinfo_ram_top(void)
{
	uint64_t top = 0;
	for (size_t i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		if (e->type == MMAP_AVAILABLE && e->base + e->length > top)
			top = e->base + e->length;
	}
	return top;
}
