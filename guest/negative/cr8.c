/* cr8.c: hostile guest: enters 64-bit mode, sets CR8 (the task priority) to 15, reads it back and
 * exits with code 0 when it reads 15. If that reached the host APIC, Tally's idle timer would be
 * masked and Tally would never wake from its idle hlt again. */
#include "guest.h"

#define MSR_EFER 0xc0000080u
#define EFER_LME (1u << 8)
#define CR4_PAE (1u << 5)
#define CR0_PG (1u << 31)
#define PTE_P_RW 0x3u
#define PDE_2M 0x83u /* present, writable, 2 MiB page */

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));
/* null, 0x08 64-bit code, 0x10 data (Intel SDM Vol. 3A, 3.4.5) */
static const uint64_t gdt64[] __attribute__((aligned(8))) = { 0, 0x00af9a000000ffffull, 0x00cf92000000ffffull };

/* 64-bit code: CR8 = 15, read it back, exit through port 0xf4 with (CR8 ^ 15). */
__asm__(".text\n"
	".code64\n"
	"cr8_long64:\n"
	"\tmov $15, %eax\n"
	"\tmov %rax, %cr8\n"
	"\tmov %cr8, %rax\n"
	"\txor $15, %eax\n"
	"\tmov $0xf4, %dx\n"
	"\tout %eax, %dx\n"
	"1:\tcli\n\thlt\n\tjmp 1b\n"
	".code32\n");

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pd[0] = PDE_2M;
	pd[1] = 0x200000u | PDE_2M;
	pdpt[0] = (uint32_t)pd | PTE_P_RW;
	pml4[0] = (uint32_t)pdpt | PTE_P_RW;
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} g = { sizeof(gdt64) - 1, (uint32_t)gdt64 };
	gprintf("entering 64-bit mode to set CR8=15\n");
	__asm__ volatile("lgdt %0" ::"m"(g));
	write_cr4(read_cr4() | CR4_PAE);
	__asm__ volatile("mov %0, %%cr3" ::"r"((uint32_t)pml4));
	if (try_wrmsr(MSR_EFER, EFER_LME) >= 0)
		return 2;
	write_cr0(read_cr0() | CR0_PG);
	__asm__ volatile("ljmp $0x08, $cr8_long64");
	return 3;
}
