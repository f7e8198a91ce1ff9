/* bootinfo.c: parses the multiboot2 information into struct boot_info, checking every size. Under
 * BIOS and UEFI alike: GRUB's memory map (or, failing it, the EFI memory map), framebuffer, ACPI. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/multiboot2.h"

struct boot_info boot_info;

/* Appends a range, or grows the last one when it continues it with the same type (UEFI maps
 * split RAM into many neighbouring pieces). */
static void add_range(uint64_t base, uint64_t length, uint32_t type)
{
	struct mmap_entry *last = boot_info.mmap_count ? &boot_info.mmap[boot_info.mmap_count - 1] : NULL;
	if (last && last->type == type && last->base + last->length == base) {
		last->length += length;
		return;
	}
	if (boot_info.mmap_count == BOOT_MAX_MMAP) {
		log_warn("multiboot2: more than %d memory map entries; the rest ignored\n", BOOT_MAX_MMAP);
		return;
	}
	boot_info.mmap[boot_info.mmap_count++] = (struct mmap_entry){ .base = base, .length = length, .type = type };
}

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
		add_range(e->base_addr, e->length, e->type);
	}
}

/* UEFI 2.x, 7.2 EFI_MEMORY_TYPE, as it reads once boot services have exited. */
static uint32_t efi_type(uint32_t t)
{
	switch (t) {
	case 1: case 2: case 3: case 4: case 7: /* loader and boot services code/data, conventional */
		return MMAP_AVAILABLE;
	case 9: return MMAP_ACPI_RECLAIMABLE;
	case 10: return MMAP_NVS;
	case 8: return MMAP_BADRAM;
	default: return 2; /* reserved, runtime services, MMIO, ... */
	}
}

/* Only when the loader gave no multiboot2 memory map (GRUB gives both). */
static void parse_efi_mmap(const struct mb2_tag_efi_mmap *t)
{
	if (t->size < sizeof(*t) || t->descriptor_size < sizeof(struct efi_memory_descriptor)) {
		log_warn("multiboot2: EFI memory map tag with bad sizes ignored\n");
		return;
	}
	const uint8_t *end = (const uint8_t *)t + t->size;
	for (const uint8_t *p = (const uint8_t *)(t + 1); p + sizeof(struct efi_memory_descriptor) <= end;
	     p += t->descriptor_size) {
		const struct efi_memory_descriptor *d = (const void *)p;
		add_range(d->physical_start, d->pages << 12, efi_type(d->type)); /* UEFI pages are 4 KiB */
	}
}

static void parse_framebuffer(const struct mb2_tag_framebuffer *t)
{
	static const enum boot_fb_kind kinds[] = { BOOT_FB_INDEXED, BOOT_FB_RGB, BOOT_FB_EGA_TEXT };
	if (t->size < offsetof(struct mb2_tag_framebuffer, red_pos) || t->fb_type >= 3 ||
	    (t->fb_type == 1 && t->size < offsetof(struct mb2_tag_framebuffer, blue_size) + 1)) {
		log_warn("multiboot2: framebuffer tag of type %u, size %u ignored\n", t->fb_type, t->size);
		return;
	}
	struct boot_framebuffer *fb = &boot_info.fb;
	*fb = (struct boot_framebuffer){ .kind = kinds[t->fb_type], .addr = t->addr, .pitch = t->pitch,
		.width = t->width, .height = t->height, .bpp = t->bpp };
	if (fb->kind == BOOT_FB_RGB) {
		fb->red_pos = t->red_pos, fb->red_size = t->red_size;
		fb->green_pos = t->green_pos, fb->green_size = t->green_size;
		fb->blue_pos = t->blue_pos, fb->blue_size = t->blue_size;
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

static const struct mb2_tag_efi_mmap *efi_mmap;

static void parse_tag(const struct mb2_tag *tag)
{
	const struct mb2_tag_string *s = (const void *)tag;
	switch (tag->type) {
	case MB2_TAG_FRAMEBUFFER: parse_framebuffer((const void *)tag); break;
	case MB2_TAG_EFI64:
		if (tag->size >= sizeof(struct mb2_tag_efi64))
			boot_info.efi_system_table = ((const struct mb2_tag_efi64 *)tag)->system_table;
		break;
	case MB2_TAG_EFI32:
		if (tag->size >= sizeof(struct mb2_tag_efi32))
			boot_info.efi_system_table = ((const struct mb2_tag_efi32 *)tag)->system_table;
		break;
	case MB2_TAG_EFI_MMAP: efi_mmap = (const void *)tag; break;
	case MB2_TAG_EFI_BS: boot_info.efi_boot_services = true; break;
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
	default: break; /* ELF sections, APM, SMBIOS...: Tally has no use for them */
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
		if (tag->type == MB2_TAG_END) {
			if (!boot_info.mmap_count && efi_mmap)
				parse_efi_mmap(efi_mmap);
			return 0;
		}
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

void bootinfo_describe_firmware(void)
{
	if (!boot_info.efi_system_table) {
		kprintf("Firmware: BIOS\n");
		return;
	}
	kprintf("Firmware: UEFI, system table at 0x%llx, boot services %s\n",
		(unsigned long long)boot_info.efi_system_table,
		boot_info.efi_boot_services ? "still running (Tally takes the machine regardless)" : "exited");
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
