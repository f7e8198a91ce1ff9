/* linux_boot.c: the Linux x86 boot protocol for a bzImage: header checks, zero page, 64-bit entry state. */
#include <string.h>

#include "kernel/console.h"
#include "vmx/acpi_tables.h"
#include "vmx/linux_boot.h"

/* Documentation/arch/x86/boot.rst, "The real-mode kernel header": the setup header, at offset
 * 0x1f1 of the image and at the same offset of the zero page. */
#define HDR_OFFSET 0x1f1
struct __attribute__((packed)) setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size, vid_mode, root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg, kernel_version;
	uint8_t type_of_loader, loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start, ramdisk_image, ramdisk_size, bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver, ext_loader_type;
	uint32_t cmd_line_ptr, initrd_addr_max, kernel_alignment;
	uint8_t relocatable_kernel, min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size, hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset, payload_length;
	uint64_t setup_data, pref_address;
	uint32_t init_size, handover_offset, kernel_info_offset;
};
#define HDR_AT(field, off) _Static_assert(offsetof(struct setup_header, field) == (off) - HDR_OFFSET, "boot.rst: " #field)
HDR_AT(boot_flag, 0x1fe);
HDR_AT(header, 0x202);
HDR_AT(version, 0x206);
HDR_AT(type_of_loader, 0x210);
HDR_AT(loadflags, 0x211);
HDR_AT(ramdisk_image, 0x218);
HDR_AT(ramdisk_size, 0x21c);
HDR_AT(cmd_line_ptr, 0x228);
HDR_AT(initrd_addr_max, 0x22c);
HDR_AT(kernel_alignment, 0x230);
HDR_AT(relocatable_kernel, 0x234);
HDR_AT(xloadflags, 0x236);
HDR_AT(cmdline_size, 0x238);
HDR_AT(pref_address, 0x258);
HDR_AT(init_size, 0x260);
HDR_AT(kernel_info_offset, 0x268);
_Static_assert(sizeof(struct setup_header) == 0x26c - HDR_OFFSET, "boot.rst: header up to protocol 2.15");

/* boot.rst: header magic and values. */
#define BOOT_FLAG 0xaa55u
#define HDRS_MAGIC 0x53726448u        /* "HdrS" */
#define PROTOCOL_64BIT_ENTRY 0x020cu  /* 2.12: xloadflags, XLF_KERNEL_64 */
#define LOADED_HIGH 0x01u             /* loadflags bit 0: protected-mode code at 0x100000 */
#define CAN_USE_HEAP 0x80u            /* loadflags bit 7 */
#define XLF_KERNEL_64 0x01u           /* xloadflags bit 0: 64-bit entry at load address + 0x200 */
#define ENTRY_64_OFFSET 0x200u
#define SETUP_SECTS_DEFAULT 4         /* "If this field is 0, the real value is 4." */
#define SECTOR 512u
#define TYPE_OF_LOADER_UNDEFINED 0xffu
#define LOAD_LOW_DEFAULT 0x100000u    /* a bzImage's protected-mode kernel loads at 1 MiB */

/* Documentation/arch/x86/zero-page.rst: the zero page (struct boot_params), the fields Tally fills. */
struct __attribute__((packed)) e820_entry {
	uint64_t addr, size;
	uint32_t type;
};
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_MAX_ZEROPAGE 128
struct __attribute__((packed)) boot_params {
	uint8_t pad_rsdp[0x070];
	uint64_t acpi_rsdp_addr;	/* where the RSDP is: the kernel need not scan for it */
	uint8_t pad0[0x1e8 - 0x078];
	uint8_t e820_entries;
	uint8_t pad1[HDR_OFFSET - 0x1e9];
	struct setup_header hdr;
	uint8_t pad2[0x2d0 - HDR_OFFSET - sizeof(struct setup_header)];
	struct e820_entry e820_table[E820_MAX_ZEROPAGE];
	uint8_t pad3[0x1000 - 0x2d0 - E820_MAX_ZEROPAGE * sizeof(struct e820_entry)];
};
_Static_assert(sizeof(struct e820_entry) == 20, "zero-page.rst: e820 entry");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "zero-page.rst: acpi_rsdp_addr");
_Static_assert(offsetof(struct boot_params, e820_entries) == 0x1e8, "zero-page.rst: e820_entries");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "zero-page.rst: hdr");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "zero-page.rst: e820_table");
_Static_assert(sizeof(struct boot_params) == 0x1000, "zero-page.rst: one page");

/* The PC memory map the guest sees (as loader.c's multiboot map): conventional memory, the
 * EBDA/VGA/BIOS hole up to 1 MiB, then RAM. */
#define LOW_MEM_TOP 0x9fc00u
#define HIGH_MEM 0x100000u
/* IBM PC BIOS data area: word at 0x413 = KiB of conventional memory (the decompressor reads it). */
#define BDA_BASE_MEM_KB 0x413u

/* boot.rst, "64-bit Boot Protocol": flat 4 GiB __BOOT_CS (execute/read) and __BOOT_DS (read/write). */
#define BOOT_CS 0x10u
#define BOOT_DS 0x18u
#define GDT_CODE64 0x00af9b000000ffffull /* SDM Vol. 3A, 3.4.5: P, DPL0, code e/r accessed, L, G */
#define GDT_DATA 0x00cf93000000ffffull   /* P, DPL0, data r/w accessed, D/B, G */
#define GDT_ENTRIES 4

/* SDM Vol. 3A, 4.5: 4-level paging entries; PS in a page-directory entry maps 2 MiB. */
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull
#define IDENTITY_GIB 4 /* one page directory each */
#define PAGE 0x1000ull

static int fail(char *err, size_t errsz, const char *what)
{
	ksnprintf(err, errsz, "%s", what);
	return -1;
}

static uint64_t align_up(uint64_t v, uint64_t a) { return a ? (v + a - 1) / a * a : v; }

/* The header checks, in the order boot.rst introduces the fields. */
static const struct setup_header *check_header(const uint8_t *k, size_t len, char *err, size_t errsz)
{
	const struct setup_header *h = (const void *)(k + HDR_OFFSET);
	if (len < HDR_OFFSET + offsetof(struct setup_header, realmode_swtch)) {
		ksnprintf(err, errsz, "not a bzImage: %zu bytes, shorter than a setup header", len);
		return NULL;
	}
	if (h->boot_flag != BOOT_FLAG) {
		fail(err, errsz, "not a bzImage: no boot flag 0xAA55 at offset 0x1fe");
		return NULL;
	}
	if (h->header != HDRS_MAGIC) {
		fail(err, errsz, "not a bzImage: no \"HdrS\" magic at offset 0x202 (boot protocol before 2.00)");
		return NULL;
	}
	if (h->version < PROTOCOL_64BIT_ENTRY) {
		ksnprintf(err, errsz, "boot protocol %u.%02u is too old: the 64-bit entry needs 2.12 or later",
			  h->version >> 8, h->version & 0xff);
		return NULL;
	}
	/* boot.rst: the header ends at 0x202 + the byte at 0x201 (the jump's displacement). */
	size_t hdr_end = 0x202 + k[0x201];
	if (len < HDR_OFFSET + sizeof(*h) || hdr_end < HDR_OFFSET + offsetof(struct setup_header, kernel_info_offset)) {
		ksnprintf(err, errsz, "not a bzImage: setup header of protocol %u.%02u is cut short (%zu bytes)",
			  h->version >> 8, h->version & 0xff, len);
		return NULL;
	}
	if (!(h->loadflags & LOADED_HIGH)) {
		fail(err, errsz, "not a bzImage: loadflags LOADED_HIGH is clear (a zImage, loaded at 0x10000)");
		return NULL;
	}
	if (!(h->xloadflags & XLF_KERNEL_64)) {
		fail(err, errsz, "no 64-bit entry point: xloadflags XLF_KERNEL_64 is clear");
		return NULL;
	}
	return h;
}

/* boot.rst, init_size: the kernel runs from max(load address, pref_address) rounded up to
 * kernel_alignment when relocatable, else from pref_address, and needs init_size bytes there. */
static int place_kernel(const struct setup_header *h, uint64_t payload, uint64_t mem, struct linux_layout *l,
			char *err, size_t errsz)
{
	uint64_t need = h->init_size > payload ? h->init_size : payload;
	uint64_t pref = h->pref_address;
	l->load = LOAD_LOW_DEFAULT;
	if (h->relocatable_kernel && pref >= HIGH_MEM && pref + need <= mem && pref % PAGE == 0)
		l->load = pref;
	uint64_t run = l->load > pref ? l->load : pref;
	run = h->relocatable_kernel ? align_up(run, h->kernel_alignment) : (pref ? pref : l->load);
	l->kernel_end = run + h->init_size;
	if (l->load + payload > l->kernel_end)
		l->kernel_end = l->load + payload;
	if (l->kernel_end > mem) {
		ksnprintf(err, errsz, "mem= too small: the kernel needs memory up to 0x%llx (init_size 0x%x from 0x%llx), the guest has %llu KiB",
			  (unsigned long long)l->kernel_end, h->init_size, (unsigned long long)run,
			  (unsigned long long)(mem >> 10));
		return -1;
	}
	return 0;
}

/* The initramfs goes as high as RAM and initrd_addr_max allow, page-aligned, above the kernel. */
static int place_initrd(const struct setup_header *h, uint64_t len, uint64_t mem, struct linux_layout *l,
			char *err, size_t errsz)
{
	uint64_t top = (uint64_t)h->initrd_addr_max + 1;
	if (top > mem)
		top = mem;
	l->initrd_len = len;
	l->initrd = len <= top ? (top - len) & ~(PAGE - 1) : 0;
	if (len > top || l->initrd < l->kernel_end) {
		ksnprintf(err, errsz, "mem= too small: the kernel (up to 0x%llx) and the initrd (%llu KiB) do not fit in %llu KiB (initrd_addr_max 0x%x)",
			  (unsigned long long)l->kernel_end, (unsigned long long)(len >> 10),
			  (unsigned long long)(mem >> 10), h->initrd_addr_max);
		return -1;
	}
	return 0;
}

static void build_e820(struct boot_params *zp, uint64_t mem)
{
	const struct e820_entry map[] = {
		{ 0, LOW_MEM_TOP, E820_RAM },
		{ LOW_MEM_TOP, HIGH_MEM - LOW_MEM_TOP, E820_RESERVED },
		{ HIGH_MEM, mem - HIGH_MEM, E820_RAM },
	};
	zp->e820_entries = sizeof(map) / sizeof(map[0]);
	memcpy(zp->e820_table, map, sizeof(map));
}

/* The zero page: the image's setup header, then what boot.rst says the boot loader writes. */
static void build_zero_page(struct guest_memory *m, const uint8_t *k, const struct linux_layout *l)
{
	struct boot_params *zp = guest_ptr(m, LINUX_ZERO_PAGE_GPA, sizeof(*zp));
	memset(zp, 0, sizeof(*zp));
	size_t hdr_end = 0x202 + k[0x201];
	if (hdr_end > HDR_OFFSET + sizeof(zp->hdr))
		hdr_end = HDR_OFFSET + sizeof(zp->hdr);
	memcpy(&zp->hdr, k + HDR_OFFSET, hdr_end - HDR_OFFSET);
	zp->hdr.type_of_loader = TYPE_OF_LOADER_UNDEFINED;
	zp->hdr.loadflags &= ~CAN_USE_HEAP; /* no real-mode setup runs, so no heap for it */
	zp->hdr.cmd_line_ptr = LINUX_CMDLINE_GPA;
	zp->hdr.ramdisk_image = (uint32_t)l->initrd;
	zp->hdr.ramdisk_size = (uint32_t)l->initrd_len;
	zp->hdr.code32_start = (uint32_t)l->load;
	zp->acpi_rsdp_addr = ACPI_RSDP_GPA;
	build_e820(zp, m->size);
}

static void build_gdt_and_paging(struct guest_memory *m)
{
	uint64_t *gdt = guest_ptr(m, LINUX_GDT_GPA, GDT_ENTRIES * 8);
	gdt[0] = gdt[1] = 0;
	gdt[BOOT_CS / 8] = GDT_CODE64;
	gdt[BOOT_DS / 8] = GDT_DATA;
	uint64_t *pml4 = guest_ptr(m, LINUX_PML4_GPA, PAGE);
	uint64_t *pdpt = guest_ptr(m, LINUX_PML4_GPA + PAGE, PAGE);
	memset(pml4, 0, 2 * PAGE);
	pml4[0] = (LINUX_PML4_GPA + PAGE) | PTE_P | PTE_RW;
	for (uint64_t g = 0; g < IDENTITY_GIB; g++) {
		uint64_t pd_gpa = LINUX_PML4_GPA + (2 + g) * PAGE;
		uint64_t *pd = guest_ptr(m, pd_gpa, PAGE);
		pdpt[g] = pd_gpa | PTE_P | PTE_RW;
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = ((g << 30) + (i << 21)) | PTE_P | PTE_RW | PTE_PS;
	}
	uint16_t base_kb = LOW_MEM_TOP >> 10;
	memcpy(guest_ptr(m, BDA_BASE_MEM_KB, 2), &base_kb, 2);
}

static int check_cmdline(const struct setup_header *h, const char *cmdline, char *err, size_t errsz)
{
	size_t n = strlen(cmdline);
	uint32_t max = h->cmdline_size < LINUX_CMDLINE_MAX - 1 ? h->cmdline_size : LINUX_CMDLINE_MAX - 1;
	if (n > max) {
		ksnprintf(err, errsz, "kernel command line is %zu bytes, the kernel takes at most %u", n, max);
		return -1;
	}
	return 0;
}

int linux_boot_load(struct guest_memory *m, const struct linux_image *img, struct guest_boot *b,
		    struct linux_layout *lp, char *err, size_t errsz)
{
	struct linux_layout l = { 0 };
	if (m->size < 2 * HIGH_MEM || m->size > (4ull << 30))
		return fail(err, errsz, "guest memory must be between 2 MiB and 4 GiB");
	const struct setup_header *h = check_header(img->kernel, img->kernel_len, err, errsz);
	if (!h)
		return -1;
	size_t setup = ((size_t)(h->setup_sects ? h->setup_sects : SETUP_SECTS_DEFAULT) + 1) * SECTOR;
	if (setup >= img->kernel_len) {
		ksnprintf(err, errsz, "not a bzImage: setup_sects=%u puts the kernel at offset 0x%zx, past the end of the %zu-byte file",
			  h->setup_sects, setup, img->kernel_len);
		return -1;
	}
	size_t payload = img->kernel_len - setup;
	l.version = h->version;
	if (check_cmdline(h, img->cmdline, err, errsz) < 0 || place_kernel(h, payload, m->size, &l, err, errsz) < 0 ||
	    place_initrd(h, img->initrd_len, m->size, &l, err, errsz) < 0)
		return -1;
	memcpy(guest_ptr(m, l.load, payload), img->kernel + setup, payload);
	if (img->initrd_len)
		memcpy(guest_ptr(m, l.initrd, l.initrd_len), img->initrd, l.initrd_len);
	memcpy(guest_ptr(m, LINUX_CMDLINE_GPA, strlen(img->cmdline) + 1), img->cmdline, strlen(img->cmdline) + 1);
	build_zero_page(m, img->kernel, &l);
	build_gdt_and_paging(m);
	*b = (struct guest_boot){
		.kind = GUEST_ENTRY_LINUX64,
		.entry = (uint32_t)l.load + ENTRY_64_OFFSET,
		.info_gpa = LINUX_ZERO_PAGE_GPA,
		.cr3 = LINUX_PML4_GPA,
		.gdt = LINUX_GDT_GPA,
		.gdt_limit = GDT_ENTRIES * 8 - 1,
		.stack = LINUX_STACK_GPA,
	};
	if (lp)
		*lp = l;
	return 0;
}
