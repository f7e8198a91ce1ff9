/* loader.c: ELF32 segments and the multiboot information block of a guest kernel. */
#include <string.h>

#include "kernel/console.h"
#include "vmx/loader.h"

/* Multiboot spec 0.6.96, 3.1.1: the header is 32-bit aligned within the first 8192 bytes. */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_SEARCH 8192
/* 3.1.2: bits 0-15 are requirements; Tally meets 0 (page-align modules: there are none),
 * 1 (memory information) and 2 (video mode: the guest gets none, the spec allows that). */
#define MULTIBOOT_KNOWN_REQUIREMENTS 0x7u
/* 3.3: information flags. */
#define MBI_MEMORY (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

/* 3.3: the boot information block, up to the VBE fields (Tally fills none past loader name). */
struct __attribute__((packed)) multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table, boot_loader_name;
	uint32_t apm_table, vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};
_Static_assert(offsetof(struct multiboot_info, mmap_length) == 44, "multiboot 3.3 mmap_length");
_Static_assert(offsetof(struct multiboot_info, boot_loader_name) == 64, "multiboot 3.3 boot_loader_name");
_Static_assert(sizeof(struct multiboot_info) == 88, "multiboot 3.3 info up to the VBE fields");

struct __attribute__((packed)) multiboot_mmap {
	uint32_t size; /* of the rest of the entry: 20 */
	uint64_t base, length;
	uint32_t type;
};
_Static_assert(sizeof(struct multiboot_mmap) == 24, "multiboot 3.3 memory map entry");

/* Where Tally puts the information in guest memory: page 1, above the real-mode IVT. */
#define INFO_GPA 0x1000u
#define MMAP_GPA 0x1100u
#define CMDLINE_GPA 0x1200u
#define CMDLINE_MAX 0xd00u
#define LOADER_NAME_GPA 0x1f00u
#define INFO_END 0x2000u
#define LOW_MEM_TOP 0x9fc00u  /* 639 KiB of conventional memory, as PC firmware reports */
#define BIOS_ROM 0xf0000u
#define HIGH_MEM 0x100000u

/* ELF spec (System V ABI, Intel386 supplement): the fields Tally reads. */
struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");
#define ELF_CLASS32 1
#define ELF_DATA_LSB 1
#define ELF_ET_EXEC 2
#define ELF_EM_386 3
#define ELF_PT_LOAD 1

static int fail(char *err, size_t errsz, const char *what)
{
	ksnprintf(err, errsz, "%s", what);
	return -1;
}

static int check_multiboot_header(const uint8_t *img, size_t len, char *err, size_t errsz)
{
	for (size_t off = 0; off + 12 <= len && off < MULTIBOOT_SEARCH; off += 4) {
		const uint32_t *h = (const uint32_t *)(img + off);
		if (h[0] != MULTIBOOT_HEADER_MAGIC || h[0] + h[1] + h[2] != 0)
			continue;
		if (h[1] & 0xffffu & ~MULTIBOOT_KNOWN_REQUIREMENTS) {
			ksnprintf(err, errsz, "multiboot header requires features 0x%x Tally does not provide",
				  h[1] & 0xffffu & ~MULTIBOOT_KNOWN_REQUIREMENTS);
			return -1;
		}
		return 0;
	}
	return fail(err, errsz, "no multiboot (v1) header in the first 8192 bytes");
}

static const struct elf32_ehdr *check_elf(const uint8_t *img, size_t len, char *err, size_t errsz)
{
	const struct elf32_ehdr *eh = (const void *)img;
	if (len < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4)) {
		fail(err, errsz, "not an ELF file");
		return NULL;
	}
	if (eh->ident[4] != ELF_CLASS32 || eh->ident[5] != ELF_DATA_LSB || eh->type != ELF_ET_EXEC ||
	    eh->machine != ELF_EM_386) {
		fail(err, errsz, "not a little-endian ELF32 i386 executable");
		return NULL;
	}
	if (eh->phentsize != sizeof(struct elf32_phdr) || eh->phoff > len ||
	    (uint64_t)eh->phnum * sizeof(struct elf32_phdr) > len - eh->phoff) {
		fail(err, errsz, "ELF program headers run past the end of the file");
		return NULL;
	}
	return eh;
}

static int load_segment(struct guest_memory *m, const uint8_t *img, size_t len, const struct elf32_phdr *ph,
			int i, char *err, size_t errsz)
{
	if (ph->filesz > ph->memsz || ph->offset > len || ph->filesz > len - ph->offset) {
		ksnprintf(err, errsz, "ELF segment %d: file bytes run past the end of the file", i);
		return -1;
	}
	uint8_t *dst = guest_ptr(m, ph->paddr, ph->memsz);
	if (!dst) {
		ksnprintf(err, errsz, "ELF segment %d at 0x%x+0x%x does not fit the guest's %llu KiB", i, ph->paddr,
			  ph->memsz, (unsigned long long)(m->size >> 10));
		return -1;
	}
	if (ph->paddr < INFO_END && (uint64_t)ph->paddr + ph->memsz > INFO_GPA) {
		ksnprintf(err, errsz, "ELF segment %d at 0x%x overlaps the multiboot information at 0x%x", i,
			  ph->paddr, INFO_GPA);
		return -1;
	}
	memcpy(dst, img + ph->offset, ph->filesz);
	memset(dst + ph->filesz, 0, ph->memsz - ph->filesz);
	return 0;
}

/* The entry point is a virtual address; the loader jumps to its physical image (paging is off). */
static int load_segments(struct guest_memory *m, const uint8_t *img, size_t len, const struct elf32_ehdr *eh,
			 uint32_t *entry, char *err, size_t errsz)
{
	const struct elf32_phdr *ph = (const void *)(img + eh->phoff);
	int loaded = 0;
	*entry = eh->entry;
	for (int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != ELF_PT_LOAD)
			continue;
		if (load_segment(m, img, len, &ph[i], i, err, errsz) < 0)
			return -1;
		if (eh->entry >= ph[i].vaddr && eh->entry - ph[i].vaddr < ph[i].memsz)
			*entry = eh->entry - ph[i].vaddr + ph[i].paddr;
		loaded++;
	}
	if (!loaded)
		return fail(err, errsz, "ELF file has no loadable segment");
	return 0;
}

/* strlcpy, kept here so the loader also builds hosted (unit tests) where libc lacks it. */
static void copy_string(char *dst, const char *src, size_t size)
{
	size_t n = 0;
	for (; src[n] && n + 1 < size; n++)
		dst[n] = src[n];
	dst[n] = 0;
}

static void build_info(struct guest_memory *m, const char *cmdline)
{
	struct multiboot_info *mbi = guest_ptr(m, INFO_GPA, sizeof(*mbi));
	struct multiboot_mmap *mm = guest_ptr(m, MMAP_GPA, 4 * sizeof(*mm));
	const struct { uint64_t base, end; uint32_t type; } map[4] = {
		{ 0, LOW_MEM_TOP, 1 }, { LOW_MEM_TOP, 0xa0000, 2 }, { BIOS_ROM, HIGH_MEM, 2 }, { HIGH_MEM, m->size, 1 },
	};
	for (int i = 0; i < 4; i++)
		mm[i] = (struct multiboot_mmap){ 20, map[i].base, map[i].end - map[i].base, map[i].type };
	copy_string(guest_ptr(m, CMDLINE_GPA, CMDLINE_MAX), cmdline, CMDLINE_MAX);
	copy_string(guest_ptr(m, LOADER_NAME_GPA, INFO_END - LOADER_NAME_GPA), "Tally", INFO_END - LOADER_NAME_GPA);
	*mbi = (struct multiboot_info){
		.flags = MBI_MEMORY | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME,
		.mem_lower = LOW_MEM_TOP >> 10,
		.mem_upper = (uint32_t)((m->size - HIGH_MEM) >> 10),
		.cmdline = CMDLINE_GPA,
		.mmap_length = 4 * sizeof(*mm),
		.mmap_addr = MMAP_GPA,
		.boot_loader_name = LOADER_NAME_GPA,
	};
}

int loader_load_multiboot(struct guest_memory *m, const uint8_t *img, size_t len, const char *cmdline,
			  struct guest_boot *b, char *err, size_t errsz)
{
	if (m->size < 2 * HIGH_MEM || m->size > (4ull << 30))
		return fail(err, errsz, "guest memory must be between 2 MiB and 4 GiB");
	if (check_multiboot_header(img, len, err, errsz) < 0)
		return -1;
	const struct elf32_ehdr *eh = check_elf(img, len, err, errsz);
	if (!eh || load_segments(m, img, len, eh, &b->entry, err, errsz) < 0)
		return -1;
	build_info(m, cmdline);
	b->kind = GUEST_ENTRY_MULTIBOOT;
	b->info_gpa = INFO_GPA;
	return 0;
}
