/* test_vmx_loader.c: multiboot ELF32 guest loading: a good image, every malformed one refused
 * with its reason, and every truncation of a good image handled without a crash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "vmx/loader.h"

#define MEM (4u << 20)
#define LOAD_ADDR 0x100000u
#define CODE_SIZE 256u

struct image {
	uint8_t bytes[52 + 32 + CODE_SIZE];
	size_t len;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

/* ELF32 header, one PT_LOAD program header, then the segment: a multiboot header and code. */
static void make_image(struct image *im, uint32_t mb_flags)
{
	uint8_t *b = im->bytes;
	memset(b, 0, sizeof(im->bytes));
	memcpy(b, "\177ELF\1\1\1", 7);
	put16(b + 16, 2);                       /* ET_EXEC */
	put16(b + 18, 3);                       /* EM_386 */
	put32(b + 20, 1);
	put32(b + 24, LOAD_ADDR + 12);          /* entry, just after the multiboot header */
	put32(b + 28, 52);                      /* phoff */
	put16(b + 40, 52);
	put16(b + 42, 32);                      /* phentsize */
	put16(b + 44, 1);                       /* phnum */
	uint8_t *ph = b + 52;
	put32(ph + 0, 1);                       /* PT_LOAD */
	put32(ph + 4, 84);                      /* offset */
	put32(ph + 8, LOAD_ADDR);
	put32(ph + 12, LOAD_ADDR);
	put32(ph + 16, CODE_SIZE);
	put32(ph + 20, CODE_SIZE + 4096);       /* with bss */
	uint8_t *seg = b + 84;
	put32(seg, 0x1BADB002);
	put32(seg + 4, mb_flags);
	put32(seg + 8, -(0x1BADB002u + mb_flags));
	memset(seg + 12, 0x90, CODE_SIZE - 12);
	im->len = sizeof(im->bytes);
}

static int load(struct guest_memory *m, const struct image *im, size_t len, struct guest_boot *b, char *err)
{
	memset((void *)(uintptr_t)m->base, 0xcc, m->size);
	return loader_load_multiboot(m, im->bytes, len, "guest name=t mem=4M", b, err, 160);
}

static int refused(struct guest_memory *m, const struct image *im, const char *why)
{
	struct guest_boot b;
	char err[160] = "";
	int rc = load(m, im, im->len, &b, err);
	if (rc == 0 || !strstr(err, why))
		printf("  got rc %d, \"%s\"; wanted \"%s\"\n", rc, err, why);
	return rc < 0 && strstr(err, why);
}

static void check_good(struct guest_memory *m)
{
	struct image im;
	struct guest_boot b;
	char err[160];
	make_image(&im, 0x3);
	CHECK(load(m, &im, im.len, &b, err) == 0, "a good image loads");
	uint8_t *g = (uint8_t *)(uintptr_t)m->base;
	uint32_t flags, lower, upper, cmd, mmap_len, mmap_addr;
	memcpy(&flags, g + b.info_gpa, 4);
	memcpy(&lower, g + b.info_gpa + 4, 4);
	memcpy(&upper, g + b.info_gpa + 8, 4);
	memcpy(&cmd, g + b.info_gpa + 16, 4);
	memcpy(&mmap_len, g + b.info_gpa + 44, 4);
	memcpy(&mmap_addr, g + b.info_gpa + 48, 4);
	CHECK(b.entry == LOAD_ADDR + 12, "entry point 0x%x", b.entry);
	CHECK(flags == 0x245 && lower == 639 && upper == (MEM >> 10) - 1024, "info: flags 0x%x, mem %u/%u KiB", flags,
	      lower, upper);
	CHECK(!strcmp((char *)g + cmd, "guest name=t mem=4M"), "command line copied");
	uint64_t last_base, last_len;
	memcpy(&last_base, g + mmap_addr + mmap_len - 20, 8);
	memcpy(&last_len, g + mmap_addr + mmap_len - 12, 8);
	CHECK(mmap_len == 4 * 24 && last_base == 0x100000 && last_base + last_len == MEM, "memory map ends at 0x%llx",
	      (unsigned long long)(last_base + last_len));
	CHECK(!memcmp(g + LOAD_ADDR, im.bytes + 84, CODE_SIZE) && g[LOAD_ADDR + CODE_SIZE] == 0 &&
		      g[LOAD_ADDR + CODE_SIZE + 4095] == 0,
	      "segment copied and its bss zeroed");
}

static void check_refusals(struct guest_memory *m)
{
	struct image im;
	make_image(&im, 0x3);
	im.bytes[0] = 'X';
	CHECK(refused(m, &im, "not an ELF file"), "not ELF");
	make_image(&im, 0x3);
	im.bytes[4] = 2;
	CHECK(refused(m, &im, "not a little-endian ELF32 i386"), "ELF64 refused");
	make_image(&im, 0x3);
	put32(im.bytes + 84, 0);
	CHECK(refused(m, &im, "no multiboot (v1) header"), "no multiboot header");
	make_image(&im, 0x3);
	put32(im.bytes + 92, 0);
	CHECK(refused(m, &im, "no multiboot (v1) header"), "bad multiboot checksum");
	make_image(&im, 0x8);
	CHECK(refused(m, &im, "requires features 0x8"), "unknown multiboot requirement");
	make_image(&im, 0x3);
	put16(im.bytes + 44, 60000);
	CHECK(refused(m, &im, "program headers run past"), "phnum beyond the file");
	make_image(&im, 0x3);
	put32(im.bytes + 52 + 16, 0xfffffff0u);
	put32(im.bytes + 52 + 20, 0xfffffff0u);
	CHECK(refused(m, &im, "file bytes run past"), "segment file size beyond the file");
	make_image(&im, 0x3);
	put32(im.bytes + 52 + 12, MEM - 16);
	CHECK(refused(m, &im, "does not fit the guest's 4096 KiB"), "segment beyond guest memory");
	make_image(&im, 0x3);
	put32(im.bytes + 52 + 12, 0xfffff000u);
	CHECK(refused(m, &im, "does not fit"), "segment address wrapping past 4 GiB");
	make_image(&im, 0x3);
	put32(im.bytes + 52 + 12, 0x1800);
	CHECK(refused(m, &im, "overlaps the multiboot information"), "segment over the information block");
	make_image(&im, 0x3);
	put32(im.bytes + 52, 0);
	CHECK(refused(m, &im, "no loadable segment"), "no PT_LOAD");
}

static void check_truncations(struct guest_memory *m)
{
	struct image im;
	struct guest_boot b;
	char err[160];
	int loaded_short = 0;
	make_image(&im, 0x3);
	for (size_t len = 0; len < im.len; len++)
		loaded_short += load(m, &im, len, &b, err) == 0;
	CHECK(loaded_short == 0, "every truncated image is refused (%d loaded)", loaded_short);
}

int main(void)
{
	struct guest_memory m = { 0 };
	m.size = MEM;
	m.base = (uintptr_t)malloc(MEM);
	struct guest_memory tiny = m;
	tiny.size = 1u << 20;
	struct image im;
	struct guest_boot b;
	char err[160];
	make_image(&im, 0x3);
	CHECK(loader_load_multiboot(&tiny, im.bytes, im.len, "", &b, err, sizeof(err)) < 0 &&
		      strstr(err, "between 2 MiB and 4 GiB"),
	      "guest memory below 2 MiB refused");
	check_good(&m);
	check_refusals(&m);
	check_truncations(&m);
	free((void *)(uintptr_t)m.base);
	return check_summary();
}
