/* test_linux_boot.c: the bzImage loader: a synthetic image's zero page, e820, entry state and page
 * tables; every refusal by its named check; truncations; and the real Debian kernel when fetched. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "vmx/acpi_tables.h"
#include "vmx/linux_boot.h"

#define MEM (64u << 20)
#define SETUP_SECTS 4
#define PM_OFFSET ((SETUP_SECTS + 1) * 512)
#define PAYLOAD 8192
#define PREF 0x1000000u
#define INIT_SIZE (8u << 20)
#define CMDLINE "console=ttyS0 quiet -- x=1"

static uint8_t image[PM_OFFSET + PAYLOAD];
static uint8_t initrd[3 * 4096 + 100];

static void put8(size_t off, uint8_t v) { image[off] = v; }
static void put16(size_t off, uint16_t v) { memcpy(image + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(image + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(image + off, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A bzImage-shaped buffer: the setup header of protocol 2.15 (offsets from boot.rst), a payload. */
static void make_image(void)
{
	memset(image, 0, sizeof(image));
	put8(0x1f1, SETUP_SECTS);
	put16(0x1fe, 0xaa55);
	put8(0x200, 0xeb);
	put8(0x201, 0x6a);          /* header ends at 0x202 + 0x6a = 0x26c */
	memcpy(image + 0x202, "HdrS", 4);
	put16(0x206, 0x020f);
	put8(0x211, 0x01);          /* LOADED_HIGH */
	put32(0x22c, 0x7fffffff);   /* initrd_addr_max */
	put32(0x230, 0x200000);     /* kernel_alignment */
	put8(0x234, 1);             /* relocatable */
	put16(0x236, 0x0003);       /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
	put32(0x238, 2047);         /* cmdline_size */
	put64(0x258, PREF);
	put32(0x260, INIT_SIZE);
	for (size_t i = 0; i < PAYLOAD; i++)
		image[PM_OFFSET + i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 13 + 5);
}

static struct guest_memory mem_of(uint64_t size)
{
	static uint8_t *buf;
	if (!buf)
		buf = malloc(MEM);
	struct guest_memory m = { .base = (uintptr_t)buf, .size = size };
	memset(buf, 0xcc, MEM);
	return m;
}

static int load(uint64_t size, size_t len, const char *cmdline, struct guest_boot *b, struct linux_layout *l,
		char *err)
{
	struct guest_memory m = mem_of(size);
	struct linux_image img = { image, len, initrd, sizeof(initrd), cmdline };
	return linux_boot_load(&m, &img, b, l, err, 200);
}

static void check_zero_page(const uint8_t *g, const struct linux_layout *l)
{
	const uint8_t *zp = g + LINUX_ZERO_PAGE_GPA;
	CHECK(!memcmp(zp + 0x202, "HdrS", 4) && zp[0x1f1] == SETUP_SECTS && get32(zp + 0x260) == INIT_SIZE,
	      "the image's setup header is copied into the zero page");
	CHECK(zp[0x210] == 0xff, "type_of_loader 0xff (undefined), got 0x%x", zp[0x210]);
	CHECK(get32(zp + 0x228) == LINUX_CMDLINE_GPA && !strcmp((const char *)g + LINUX_CMDLINE_GPA, CMDLINE),
	      "cmd_line_ptr points at the command line, verbatim");
	CHECK(get32(zp + 0x218) == l->initrd && get32(zp + 0x21c) == sizeof(initrd),
	      "ramdisk_image 0x%x, ramdisk_size %u", get32(zp + 0x218), get32(zp + 0x21c));
	CHECK(l->initrd % 4096 == 0 && l->initrd + sizeof(initrd) <= MEM && l->initrd + sizeof(initrd) > MEM - 4096 &&
		      !memcmp(g + l->initrd, initrd, sizeof(initrd)),
	      "initrd page-aligned at the top of RAM (0x%llx) and copied", (unsigned long long)l->initrd);
	const uint8_t *e = zp + 0x2d0;
	CHECK(zp[0x1e8] == 3, "three e820 entries, got %u", zp[0x1e8]);
	CHECK(get64(e) == 0 && get64(e + 8) == 0x9fc00 && get32(e + 16) == 1, "e820[0]: RAM below 0x9fc00");
	CHECK(get64(e + 20) == 0x9fc00 && get64(e + 28) == 0x100000 - 0x9fc00 && get32(e + 36) == 2,
	      "e820[1]: reserved up to 1 MiB");
	CHECK(get64(e + 40) == 0x100000 && get64(e + 48) == MEM - 0x100000 && get32(e + 56) == 1,
	      "e820[2]: RAM from 1 MiB to mem=");
	CHECK(zp[0x1ef] == 0, "sentinel byte 0x1ef is zero (boot_params are not sanitised away)");
	CHECK(get64(zp + 0x070) == ACPI_RSDP_GPA, "acpi_rsdp_addr points at the RSDP (0x%llx)",
	      (unsigned long long)get64(zp + 0x070));
}

/* Walks Tally's identity tables for a few addresses: PML4 -> PDPT -> PD with 2 MiB pages. */
static uint64_t translate(const uint8_t *g, uint64_t cr3, uint64_t va)
{
	uint64_t e = get64(g + cr3 + ((va >> 39) & 511) * 8);
	if (!(e & 1))
		return ~0ull;
	e = get64(g + (e & ~0xfffull) + ((va >> 30) & 511) * 8);
	if (!(e & 1))
		return ~0ull;
	e = get64(g + (e & ~0xfffull) + ((va >> 21) & 511) * 8);
	if ((e & 0x83) != 0x83)
		return ~0ull;
	return (e & ~0x1fffffull) + (va & 0x1fffff);
}

static void check_good(void)
{
	struct guest_boot b;
	struct linux_layout l;
	char err[200] = "";
	make_image();
	CHECK(load(MEM, sizeof(image), CMDLINE, &b, &l, err) == 0, "a good image loads (%s)", err);
	const uint8_t *g = (const uint8_t *)(uintptr_t)mem_of(MEM).base;
	/* mem_of refilled the buffer: load again into the same memory and look at it. */
	load(MEM, sizeof(image), CMDLINE, &b, &l, err);
	CHECK(b.kind == GUEST_ENTRY_LINUX64 && l.load == PREF && b.entry == PREF + 0x200,
	      "relocatable kernel at pref_address 0x%llx, 64-bit entry 0x%x", (unsigned long long)l.load, b.entry);
	CHECK(l.kernel_end == PREF + INIT_SIZE, "the kernel needs up to pref_address + init_size");
	CHECK(!memcmp(g + PREF, image + PM_OFFSET, PAYLOAD), "protected-mode kernel copied from (setup_sects+1)*512");
	CHECK(b.info_gpa == LINUX_ZERO_PAGE_GPA, "RSI will be the zero page");
	CHECK(b.stack == LINUX_STACK_GPA && b.stack < 0x9fc00 && b.stack > LINUX_CMDLINE_GPA + LINUX_CMDLINE_MAX,
	      "RSP in free low RAM, above the boot structures");
	check_zero_page(g, &l);
	CHECK(get64(g + b.gdt + 0x10) == 0x00af9b000000ffffull && get64(g + b.gdt + 0x18) == 0x00cf93000000ffffull &&
		      b.gdt_limit >= 0x1f,
	      "GDT: __BOOT_CS 0x10 flat 64-bit code, __BOOT_DS 0x18 flat data");
	int ok = 1;
	const uint64_t probes[] = { 0, LINUX_ZERO_PAGE_GPA, PREF + 0x200, MEM - 1, 0xfffff000ull };
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		ok &= translate(g, b.cr3, probes[i]) == probes[i];
	CHECK(ok, "page tables at CR3 0x%x identity-map the first 4 GiB", b.cr3);
	uint16_t base_kb;
	memcpy(&base_kb, g + 0x413, 2);
	CHECK(base_kb == 639, "BIOS data area 0x413 says 639 KiB of conventional memory");
}

static void refused(const char *what, uint64_t size, size_t len, const char *cmdline, const char *why)
{
	struct guest_boot b;
	char err[200] = "";
	int rc = load(size, len, cmdline, &b, NULL, err);
	CHECK(rc < 0 && strstr(err, why), "%s: refused with \"%s\" (got rc %d, \"%s\")", what, why, rc, err);
}

static void check_refusals(void)
{
	make_image();
	put16(0x1fe, 0);
	refused("no boot flag", MEM, sizeof(image), "", "not a bzImage: no boot flag 0xAA55");
	make_image();
	memcpy(image + 0x202, "HdrX", 4);
	refused("no HdrS", MEM, sizeof(image), "", "no \"HdrS\" magic");
	make_image();
	put16(0x206, 0x020b);
	refused("protocol 2.11", MEM, sizeof(image), "", "boot protocol 2.11 is too old");
	make_image();
	put16(0x236, 0x0002);
	refused("no XLF_KERNEL_64", MEM, sizeof(image), "", "no 64-bit entry point");
	make_image();
	put8(0x211, 0);
	refused("zImage", MEM, sizeof(image), "", "LOADED_HIGH is clear");
	make_image();
	put8(0x1f1, 200);
	refused("setup_sects past the file", MEM, sizeof(image), "", "past the end");
	make_image();
	refused("mem= below pref_address + init_size", 20u << 20, sizeof(image), "", "mem= too small: the kernel needs");
	refused("initrd does not fit above the kernel", PREF + INIT_SIZE + 4096, sizeof(image), "",
		"mem= too small: the kernel (up to 0x1800000) and the initrd");
	refused("memory below 2 MiB", 1u << 20, sizeof(image), "", "between 2 MiB and 4 GiB");
	char longline[3000];
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	refused("command line longer than cmdline_size", MEM, sizeof(image), longline, "at most 2047");
}

static void check_variants(void)
{
	struct guest_boot b;
	struct linux_layout l;
	char err[200] = "";
	make_image();
	put8(0x1f1, 0);
	memmove(image + 5 * 512, image + PM_OFFSET, PAYLOAD); /* setup_sects 0 means 4: same offset */
	CHECK(load(MEM, sizeof(image), "", &b, &l, err) == 0 && l.load == PREF, "setup_sects 0 is read as 4 (%s)", err);
	make_image();
	put8(0x234, 0);
	put64(0x258, 0x100000);
	CHECK(load(MEM, sizeof(image), "", &b, &l, err) == 0 && l.load == 0x100000 && b.entry == 0x100200,
	      "a non-relocatable kernel loads at 1 MiB (%s)", err);
	make_image();
	put32(0x22c, 0x1fffffff);
	CHECK(load(MEM, sizeof(image), "", &b, &l, err) == 0 && l.initrd + sizeof(initrd) <= 0x20000000 &&
		      l.initrd + sizeof(initrd) <= MEM,
	      "initrd below initrd_addr_max");
	int loaded = 0;
	make_image();
	for (size_t len = 0; len <= PM_OFFSET; len++)
		loaded += load(MEM, len, "", &b, &l, err) == 0;
	CHECK(loaded == 0, "every image cut before its kernel is refused (%d loaded)", loaded);
}

/* build/linux/ holds Debian's cloud kernel once tools/fetch-linux.sh has run. */
static void check_debian_kernel(void)
{
	const char *path = getenv("LINUX_BZIMAGE") ? getenv("LINUX_BZIMAGE") : "build/linux/vmlinuz";
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("SKIP: no %s (tools/fetch-linux.sh fetches Debian's kernel)\n", path);
		return;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	uint8_t *k = malloc((size_t)n);
	size_t got = fread(k, 1, (size_t)n, f);
	fclose(f);
	uint64_t size = 256u << 20;
	uint8_t *buf = malloc(size);
	struct guest_memory m = { .base = (uintptr_t)buf, .size = size };
	struct linux_image img = { k, got, initrd, sizeof(initrd), "console=ttyS0" };
	struct guest_boot b;
	struct linux_layout l;
	char err[200] = "";
	int rc = linux_boot_load(&m, &img, &b, &l, err, sizeof(err));
	CHECK(rc == 0, "Debian's kernel (%s) loads into 256 MiB: protocol %u.%02u, at 0x%llx, needs up to 0x%llx (%s)",
	      path, l.version >> 8, l.version & 0xff, (unsigned long long)l.load, (unsigned long long)l.kernel_end, err);
	m.size = 24u << 20;
	rc = linux_boot_load(&m, &img, &b, &l, err, sizeof(err));
	CHECK(rc < 0 && strstr(err, "mem= too small"), "Debian's kernel is refused in 24 MiB (%s)", err);
	free(buf);
	free(k);
}

int main(void)
{
	check_good();
	check_refusals();
	check_variants();
	check_debian_kernel();
	return check_summary();
}
