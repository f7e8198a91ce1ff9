/* ept.c: 4-level extended page tables with 4 KiB pages over one contiguous run of frames. */
#include <string.h>

#include "kernel/arch/panic.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/vmx_insn.h"

/* Intel SDM Vol. 3C, 29.3.2, Tables 29-1..29-6: EPT entry bits. */
#define EPT_READ (1ull << 0)
#define EPT_WRITE (1ull << 1)
#define EPT_EXEC (1ull << 2)
#define EPT_RWX (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE_WB (6ull << 3) /* leaf entries, bits 5:3 */
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPT_ENTRIES 512
/* SDM Vol. 3C, 25.6.11: EPTP memory type WB (bits 2:0 = 6), page-walk length - 1 in bits 5:3. */
#define EPTP_WB 6ull
#define EPTP_WALK_4 (3ull << 3)
/* SDM Vol. 3C, 31.3: INVEPT type 2 = all contexts; INVVPID type 2 = all contexts. */
#define INVEPT_ALL_CONTEXT 2
#define INVVPID_ALL_CONTEXT 2

static unsigned ept_index(uint64_t gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (EPT_ENTRIES - 1);
}

/* The table the entry at table[i] points to, allocated on first use; NULL when out of memory. */
static uint64_t *next_table(uint64_t *table, unsigned i)
{
	if (!(table[i] & EPT_RWX)) {
		uint64_t *t = page_alloc_zeroed(1);
		if (!t)
			return NULL;
		table[i] = (uintptr_t)t | EPT_RWX;
	}
	return (uint64_t *)(uintptr_t)(table[i] & EPT_ADDR_MASK);
}

static int map_page(uint64_t *pml4, uint64_t gpa, uint64_t hpa)
{
	uint64_t *t = pml4;
	for (int level = 4; level > 1; level--)
		if (!(t = next_table(t, ept_index(gpa, level))))
			return -1;
	t[ept_index(gpa, 1)] = hpa | EPT_RWX | EPT_MEMTYPE_WB;
	return 0;
}

static void free_tables(uint64_t *table, int level)
{
	if (level > 1)
		for (unsigned i = 0; i < EPT_ENTRIES; i++)
			if (table[i] & EPT_RWX)
				free_tables((uint64_t *)(uintptr_t)(table[i] & EPT_ADDR_MASK), level - 1);
	page_free(table, 1);
}

int ept_create(struct guest_memory *m, uint64_t size)
{
	*m = (struct guest_memory){ 0 };
	size = PAGE_ALIGN_UP(size);
	uint64_t base = pmm_alloc_pages(size / PAGE_SIZE, 2ull << 20);
	uint64_t *pml4 = page_alloc_zeroed(1);
	if (!base || !pml4)
		goto fail;
	memset((void *)(uintptr_t)base, 0, size);
	m->base = base;
	m->size = size;
	m->pml4 = pml4;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (map_page(pml4, off, base + off) < 0)
			goto fail;
	m->eptp = (uintptr_t)pml4 | EPTP_WALK_4 | EPTP_WB;
	return 0;
fail:
	if (pml4)
		free_tables(pml4, 4);
	if (base)
		pmm_free_pages(base, size / PAGE_SIZE);
	*m = (struct guest_memory){ 0 };
	return -1;
}

void ept_destroy(struct guest_memory *m)
{
	if (m->pml4)
		free_tables(m->pml4, 4);
	if (m->base)
		pmm_free_pages(m->base, m->size / PAGE_SIZE);
	*m = (struct guest_memory){ 0 };
}

void *guest_ptr(const struct guest_memory *m, uint64_t gpa, uint64_t len)
{
	if (gpa > m->size || len > m->size - gpa)
		return NULL;
	return (void *)(uintptr_t)(m->base + gpa);
}

void ept_flush_all(uint64_t cap)
{
	static const struct invept_desc ed = { 0, 0 };
	static const struct invvpid_desc vd = { 0, 0 };
	if ((cap & EPT_CAP_INVEPT) && (cap & EPT_CAP_INVEPT_ALL) && invept(INVEPT_ALL_CONTEXT, &ed) != VMX_OK)
		panic("ept_flush_all: INVEPT all-context failed");
	if ((cap & EPT_CAP_INVVPID) && (cap & EPT_CAP_INVVPID_ALL) && invvpid(INVVPID_ALL_CONTEXT, &vd) != VMX_OK)
		panic("ept_flush_all: INVVPID all-context failed");
}
