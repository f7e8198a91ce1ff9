/* paging.c: identity map of all RAM above boot/'s first 4 GiB, and uncached MMIO mappings. */
#include <stdbool.h>
#include <string.h>

#include "kernel/arch/paging.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"

/* Intel SDM Vol. 3A, 4.5: 4-level paging entry bits. */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)	/* execute-disable: a reserved bit unless EFER.NXE */
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define GIB (1ull << 30)
#define MIB2 (1ull << 21)
#define BOOT_MAPPED_TOP (4 * GIB)

extern uint64_t boot_pml4[512], boot_pd[4 * 512], boot_pt0[512];

/* PTE_NX where the CPU has execute-disable (boot/ sets EFER.NXE then), else 0: without it bit 63
 * is reserved, and W^X cannot be had (mem's audit then says what is both). */
static uint64_t pte_nx;
extern char kernel_start[], kernel_text_end[];	/* linker.ld */

static bool has_1g_pages(void)
{
	struct cpuid_regs r;
	cpuid(0x80000001, 0, &r);
	return r.edx & (1u << 26); /* CPUID.80000001H:EDX.Page1GB */
}

/* The table that entry e points to, allocating a zeroed one when absent. */
static uint64_t *table_at(uint64_t *e)
{
	if (!(*e & PTE_P)) {
		uint64_t *t = page_alloc_zeroed(1);
		if (!t)
			return NULL;
		*e = (uintptr_t)t | PTE_P | PTE_W;
	}
	return (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
}

/* Maps one 1 GiB or 2 MiB identity page at addr unless something already maps it. */
static int map_large(uint64_t addr, bool gib, uint64_t attrs)
{
	uint64_t *pdpt = table_at(&boot_pml4[(addr >> 39) & 511]);
	if (!pdpt)
		return -1;
	uint64_t *pdpte = &pdpt[(addr >> 30) & 511];
	if (gib) {
		if (!(*pdpte & PTE_P))
			*pdpte = addr | PTE_P | PTE_W | PTE_PS | pte_nx | attrs;
		return 0;
	}
	if ((*pdpte & PTE_P) && (*pdpte & PTE_PS))
		return 0; /* already inside a 1 GiB page */
	uint64_t *pd = table_at(pdpte);
	if (!pd)
		return -1;
	uint64_t *pde = &pd[(addr >> 21) & 511];
	if (!(*pde & PTE_P))
		*pde = addr | PTE_P | PTE_W | PTE_PS | pte_nx | attrs;
	return 0;
}

/*
 * W^X for the hypervisor's own map, which boot/ made writable and executable throughout: its code
 * [kernel_start, kernel_text_end) read-only (CR0.WP, set by boot/, holds ring 0 to it), every other
 * page no-execute. Guests run under EPT or NPT and the MIPS translator's code from the code region,
 * so nothing else executes from the identity map. The code lies in the first 2 MiB, which boot/
 * maps with 4 KiB pages; above them, 2 MiB pages (and every page map_large adds) are no-execute.
 */
static void identity_w_xor_x(void)
{
	uint64_t text = (uintptr_t)kernel_start, text_end = (uintptr_t)kernel_text_end;

	if (text_end > MIB2)
		panic("paging: the kernel's code ends at 0x%llx, past the 2 MiB boot/ maps with 4 KiB pages",
		      (unsigned long long)text_end);
	for (uint64_t i = 1; i < 512; i++) {	/* page 0 stays absent */
		uint64_t a = i << 12;
		boot_pt0[i] = a >= text && a < text_end ? boot_pt0[i] & ~PTE_W : boot_pt0[i] | pte_nx;
	}
	for (unsigned i = 1; i < 4 * 512; i++)	/* entry 0 is the table of the first 2 MiB */
		boot_pd[i] |= pte_nx;
}

uint64_t paging_init(uint64_t ram_top)
{
	const uint64_t limit = 512 * GIB; /* one PML4 entry's worth per page table set */
	pte_nx = rdmsr(MSR_IA32_EFER) & EFER_NXE ? PTE_NX : 0;
	if (!pte_nx)
		log_warn("paging: this CPU has no execute-disable (NX): no page can be kept from executing\n");
	bool gib = has_1g_pages();
	uint64_t step = gib ? GIB : MIB2;
	if (ram_top > limit) {
		log_warn("paging: RAM above 512 GiB is not used\n");
		ram_top = limit;
	}
	for (uint64_t a = BOOT_MAPPED_TOP; a < ram_top; a += step) {
		if (map_large(a, gib, 0) < 0) {
			log_err("paging: out of frames mapping RAM at 0x%llx\n", (unsigned long long)a);
			ram_top = a;
			break;
		}
	}
	identity_w_xor_x();
	write_cr3(read_cr3());
	return ram_top > BOOT_MAPPED_TOP ? ram_top : BOOT_MAPPED_TOP;
}

int paging_map_uncached(uint64_t phys, uint64_t size)
{
	uint64_t start = phys & ~(MIB2 - 1);
	for (uint64_t a = start; a < phys + size; a += MIB2) {
		if (a < BOOT_MAPPED_TOP)
			continue; /* below 4 GiB: boot's map; the MTRRs make the PCI hole uncached */
		if (map_large(a, false, PTE_PCD | PTE_PWT) < 0)
			return -1;
		invlpg((void *)(uintptr_t)a);
	}
	return 0;
}

/* The 4 KiB page table entry for virt in the code region, its tables made on the way if create. */
static uint64_t *pte_of(uint64_t virt, bool create)
{
	uint64_t *e = &boot_pml4[(virt >> 39) & 511];
	for (int shift = 30; shift >= 21; shift -= 9) {
		if (!(*e & PTE_P) && !create)
			return NULL;
		uint64_t *t = table_at(e);
		if (!t)
			return NULL;
		e = &t[(virt >> shift) & 511];
	}
	if (!(*e & PTE_P) && !create)
		return NULL;
	uint64_t *pt = table_at(e);
	return pt ? &pt[(virt >> 12) & 511] : NULL;
}

static uint64_t perm_bits(enum paging_perm perm)
{
	return perm == PAGING_RW ? PTE_P | PTE_W | pte_nx : PTE_P;
}

static bool in_code_region(uint64_t virt)
{
	return virt >= PAGING_CODE_BASE && virt - PAGING_CODE_BASE < PAGING_CODE_SIZE && !(virt & 0xfff);
}

int paging_map_4k(uint64_t virt, uint64_t phys, enum paging_perm perm)
{
	if (!in_code_region(virt))
		panic("paging_map_4k: 0x%llx is not a page of the code region", (unsigned long long)virt);
	uint64_t *pte = pte_of(virt, true);
	if (!pte)
		return -1;
	*pte = (phys & PTE_ADDR_MASK) | perm_bits(perm);
	invlpg((void *)(uintptr_t)virt);
	return 0;
}

/* Walks the table t at level (3: PDPT, 2: PD, 1: PT) mapping from base, with its parents' W and NX. */
static void audit_table(const uint64_t *t, int level, uint64_t base, bool w, bool nx, struct paging_audit *a)
{
	uint64_t span = 1ull << (12 + 9 * (level - 1));

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i], virt = base + i * span;
		if (!(e & PTE_P))
			continue;
		bool ew = w && (e & PTE_W), enx = nx || (e & PTE_NX);
		if (level > 1 && !(e & PTE_PS)) {
			audit_table((const uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK), level - 1, virt, ew, enx, a);
			continue;
		}
		bool code = virt >= PAGING_CODE_BASE;
		if (!enx)
			*(code ? &a->code_exec : &a->ident_exec) += span;
		if (ew && code)
			a->code_write += span;
		if (ew && !enx)
			a->write_exec += span;
	}
}

void paging_audit(struct paging_audit *a)
{
	*a = (struct paging_audit){ 0 };
	for (unsigned i = 0; i < 2; i++) {	/* PML4 entry 0: the identity map; 1: the code region */
		uint64_t e = boot_pml4[i];
		if (e & PTE_P)
			audit_table((const uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK), 3, (uint64_t)i << 39, e & PTE_W,
				    e & PTE_NX, a);
	}
}

uint64_t paging_unmap_4k(uint64_t virt)
{
	uint64_t *pte = in_code_region(virt) ? pte_of(virt, false) : NULL;
	if (!pte || !(*pte & PTE_P))
		return 0;
	uint64_t phys = *pte & PTE_ADDR_MASK;
	*pte = 0;
	invlpg((void *)(uintptr_t)virt);
	return phys;
}
