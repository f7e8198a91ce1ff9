/* gdt.c: flat 64-bit code and data segments and a TSS whose IST1 stack takes double faults. */
#include <stdint.h>
#include <string.h>

#include "kernel/arch/gdt.h"
#include "kernel/arch/x86.h"

/* Intel SDM Vol. 3A, 8.7: 64-bit TSS. */
struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes (SDM 3A 8.7)");

#define IST_STACK_SIZE 16384

static struct tss64 tss;
static uint8_t ist1_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
static uint64_t gdt[5] __attribute__((aligned(16))) = {
	0,
	0x00af9a000000ffffull, /* 0x08: code, 64-bit, DPL 0 (SDM 3A 3.4.5) */
	0x00cf92000000ffffull, /* 0x10: data, writable */
	0, 0,                  /* 0x18: TSS, 16 bytes, filled in below */
};

void gdt_init(void)
{
	uint64_t base = (uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	tss.ist[0] = (uintptr_t)(ist1_stack + IST_STACK_SIZE);
	tss.iomap_base = sizeof(tss); /* no I/O bitmap */
	/* System descriptor type 9: available 64-bit TSS, present (SDM 3A 8.2.3). */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	struct descriptor_ptr p = { sizeof(gdt) - 1, (uintptr_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "ltr %w3\n\t" ::"m"(p),
			 "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS), "r"(GDT_TSS)
			 : "rax", "memory");
}

uint64_t gdt_base(void) { return (uintptr_t)gdt; }
uint64_t tss_base(void) { return (uintptr_t)&tss; }
