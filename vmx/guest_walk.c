/* guest_walk.c: a walk of the guest's page tables (for string I/O operands), without access or dirty updates. */
#include "kernel/arch/x86.h"
#include "vmx/ept.h"
#include "vmx/guest_walk.h"
#include "vmx/vcpu.h"
#include "vmx/backend.h"

/* Intel SDM Vol. 3A, 4.3-4.5: entry bits and address masks. */
#define PTE_PRESENT 0x1ull
#define PTE_LARGE 0x80ull          /* PS: this entry maps a page (PDE: 2/4 MiB, PDPTE: 1 GiB) */
#define PTE_ADDR 0x000ffffffffff000ull
#define CR4_PSE_BIT (1ull << 4)
#define CR4_LA57 (1ull << 12) /* SDM Vol. 3A, 4.5: 5-level paging (QEMU's -cpu max has it; Linux uses it) */

static bool read_entry(const struct vcpu *v, uint64_t gpa, unsigned width, uint64_t *e)
{
	const void *p = guest_ptr(&v->mem, gpa, width);
	if (!p)
		return false;
	*e = width == 8 ? *(const uint64_t *)p : *(const uint32_t *)p;
	return (*e & PTE_PRESENT) != 0;
}

/* 32-bit paging (SDM 4.3): 10 + 10 + 12 bits, 4 MiB pages with CR4.PSE. */
static bool walk32(const struct vcpu *v, uint64_t cr3, uint32_t la, bool pse, uint64_t *gpa)
{
	uint64_t pde, pte;
	if (!read_entry(v, (cr3 & 0xfffff000u) + ((la >> 22) & 0x3ff) * 4, 4, &pde))
		return false;
	if (pse && (pde & PTE_LARGE)) {
		*gpa = (pde & 0xffc00000u) | (la & 0x3fffff);
		return true;
	}
	if (!read_entry(v, (pde & 0xfffff000u) + ((la >> 12) & 0x3ff) * 4, 4, &pte))
		return false;
	*gpa = (pte & 0xfffff000u) | (la & 0xfff);
	return true;
}

/* PAE and 4-level paging (SDM 4.4, 4.5): 9 bits per level from the top level down. */
static bool walk64(const struct vcpu *v, uint64_t table, uint64_t la, int levels, uint64_t *gpa)
{
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t e;
		if (!read_entry(v, table + ((la >> shift) & 0x1ff) * 8, 8, &e))
			return false;
		if (level == 1 || (level <= 3 && (e & PTE_LARGE))) {
			uint64_t page = (1ull << shift) - 1;
			*gpa = (e & PTE_ADDR & ~page) | (la & page);
			return true;
		}
		table = e & PTE_ADDR;
	}
	return false;
}

bool guest_linear_to_physical(const struct vcpu *v, uint64_t la, uint64_t *gpa)
{
	uint64_t cr0 = vcpu_read(VMCS_CR0_READ_SHADOW), cr4 = vcpu_read(VMCS_CR4_READ_SHADOW);
	uint64_t cr3 = vcpu_read(VMCS_GUEST_CR3);
	if (!(cr0 & CR0_PG)) {
		*gpa = (uint32_t)la;
		return true;
	}
	if (vcpu_read(VMCS_GUEST_IA32_EFER) & EFER_LMA)
		return walk64(v, cr3 & PTE_ADDR, la, cr4 & CR4_LA57 ? 5 : 4, gpa);
	if (cr4 & CR4_PAE) { /* the four PDPTEs at CR3 bits 31:5 stand for the top level */
		uint64_t pdpte;
		if (!read_entry(v, (cr3 & 0xffffffe0u) + ((la >> 30) & 3) * 8, 8, &pdpte))
			return false;
		return walk64(v, pdpte & PTE_ADDR, (uint32_t)la, 2, gpa);
	}
	return walk32(v, cr3, (uint32_t)la, cr4 & CR4_PSE_BIT, gpa);
}
