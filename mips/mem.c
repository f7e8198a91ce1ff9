/* mem.c: sparse guest memory: 4 KiB pages allocated on first touch, a dirty bit each, a TLB cache. */
#include "internal.h"

/* Two levels: the top MIPS_L1_BITS of the page number index vm->l1, the rest a struct mips_l2. */
#define MIPS_L2_BITS	(32 - MIPS_PAGE_SHIFT - MIPS_L1_BITS)
#define MIPS_L2_SIZE	(1u << MIPS_L2_BITS)
#define MIPS_VPN_COUNT	(1u << (32 - MIPS_PAGE_SHIFT))
struct mips_l2 {
	uint8_t *page[MIPS_L2_SIZE];
	uint32_t dirty[MIPS_L2_SIZE / 32];
};

static void sites_forget(struct mips_jit_site *site)
{
	for (unsigned i = 0; i < MIPS_JIT_SITES; i++)
		site[i].page = MIPS_JIT_SITE_NONE;
}

void mips_tlb_flush(struct mips_vm *vm)
{
	for (unsigned i = 0; i < MIPS_TLB_SIZE; i++)
		vm->rtlb[i].vpn = vm->wtlb[i].vpn = MIPS_TLB_NONE;
	sites_forget(vm->jit_site);
	sites_forget(vm->jit_wsite);
}

/* The page holding addr, allocated (zeroed) if new; NULL when the VM's memory limit is reached. */
static uint8_t *page_get(struct mips_vm *vm, uint32_t addr, struct mips_l2 **l2out, unsigned *idx)
{
	uint32_t vpn = addr >> MIPS_PAGE_SHIFT;
	struct mips_l2 **l2 = &vm->l1[vpn >> MIPS_L2_BITS];

	*idx = vpn & (MIPS_L2_SIZE - 1);
	if (!*l2 && !(*l2 = mips_alloc(vm->port, sizeof **l2)))
		return NULL;
	*l2out = *l2;
	uint8_t **page = &(*l2)->page[*idx];
	if (!*page) {
		if ((vm->npages + 1) * (size_t)MIPS_PAGE_SIZE > vm->mem_limit)
			return NULL;
		if (!(*page = mips_alloc(vm->port, MIPS_PAGE_SIZE)))
			return NULL;
		vm->npages++;
		(*l2)->dirty[*idx / 32] |= 1u << (*idx % 32);
	}
	return *page;
}

static bool inside(uint32_t addr, uint32_t last, uint32_t lo, uint32_t end)
{
	return addr >= lo && last < end;
}

bool mips_mem_valid(const struct mips_vm *vm, uint32_t addr, uint32_t size)
{
	uint32_t last = addr + size - 1;
	uint32_t text_end = MIPS_TEXT_BASE + vm->nops * 4u;

	if (last < addr)
		return false;
	return inside(addr, last, MIPS_SDATA_BASE, vm->brk) || inside(addr, last, vm->stack_bot, MIPS_STACK_TOP) ||
	       inside(addr, last, MIPS_TEXT_BASE, text_end > MIPS_TEXT_TOP ? text_end : MIPS_TEXT_TOP) ||
	       inside(addr, last, MIPS_KDATA_BASE, MIPS_KDATA_TOP);
}

/*
 * SPIM's stack grows when a program touches between the data segment's end and the stack's bottom,
 * less than MIPS_STACK_ZONE below it: by the distance (plus a word), and at least doubling; past
 * MIPS_STACK_LIMIT spim ends the program. False when the VM stopped.
 */
static bool stack_grow(struct mips_vm *vm, uint32_t addr)
{
	uint32_t want = vm->stack_bot - addr + 4;
	uint32_t old = MIPS_STACK_TOP - vm->stack_bot, delta = (want + 3) & ~3u;
	uint32_t size = old + (delta > old ? delta : old);

	if (size <= MIPS_STACK_LIMIT) {
		vm->stack_bot = MIPS_STACK_TOP - size;
		return true;
	}
	if (vm->exc_mode == MIPS_EXCEPTIONS_SPIM) {
		char line[128];
		size_t n = mips_snprintf(line, sizeof line,
					 "Can't expand stack segment by %u bytes to %u bytes\nUse -lstack # with # > %u\n",
					 want, size, size);
		vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, line, n);
		vm->state = MIPS_VM_EXITED;
		vm->exit_code = 0;
		return false;
	}
	mips_vm_faultf(vm, vm->pc,
		       "stack overflow: touching 0x%08x needs a stack of %u bytes, past SPIM's limit of %u", addr, size,
		       MIPS_STACK_LIMIT);
	return false;
}

/* A guest access at addr outside the segments: the stack grows, or it is a bad address. */
static bool user_outside(struct mips_vm *vm, uint32_t addr, bool write)
{
	if (addr > vm->brk && addr < vm->stack_bot && addr > vm->stack_bot - MIPS_STACK_ZONE)
		return stack_grow(vm, addr);
	if (vm->exc_mode == MIPS_EXCEPTIONS_SPIM) {	/* the caller takes SPIM's exception */
		vm->exc_pending = 1;
		vm->exc_addr = addr;
		return false;
	}
	mips_vm_faultf(vm, vm->pc,
		       "bad address: %s of 0x%08x, outside the text, data (to 0x%08x) and stack (from 0x%08x) segments",
		       write ? "store" : "load", addr, vm->brk, vm->stack_bot);
	return false;
}

bool mips_mem_out_of_bounds(struct mips_vm *vm, uint32_t addr)
{
	if (vm->exc_mode == MIPS_EXCEPTIONS_SPIM) {	/* spim's syscalls end the program */
		static const char msg[] = "Memory address out of bounds\n";
		vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, msg, sizeof msg - 1);
		vm->state = MIPS_VM_EXITED;
		vm->exit_code = 0;
		return false;
	}
	mips_vm_faultf(vm, vm->pc, "bad address: the syscall's buffer reaches 0x%08x, outside the segments", addr);
	return false;
}

uint8_t *mips_mem_slow(struct mips_vm *vm, uint32_t addr, bool write, bool user)
{
	struct mips_l2 *l2;
	unsigned idx;

	if (user && !mips_mem_valid(vm, addr, 1) && !user_outside(vm, addr, write))
		return NULL;
	size_t before = vm->npages;
	uint8_t *page = page_get(vm, addr, &l2, &idx);
	if (!page) {
		if (user && (before + 1) * (size_t)MIPS_PAGE_SIZE > vm->mem_limit)
			mips_vm_faultf(vm, vm->pc, "memory limit of %u KiB reached touching 0x%08x",
				       vm->mem_limit >> 10, addr);
		else if (user)	/* the host's allocator, not the VM's limit */
			mips_vm_faultf(vm, vm->pc, "host out of memory touching 0x%08x (the VM has %zu KiB of its %u KiB limit)",
				       addr, before * (MIPS_PAGE_SIZE >> 10), vm->mem_limit >> 10);
		return NULL;
	}
	uint32_t vpn = addr >> MIPS_PAGE_SHIFT;
	bool in_text = addr >= MIPS_TEXT_BASE && addr - MIPS_TEXT_BASE < vm->nops * 4u;
	if (write) {
		l2->dirty[idx / 32] |= 1u << (idx % 32);
		if (in_text) {	/* a store into code: its op is decoded again when reached */
			vm->ops[(addr - MIPS_TEXT_BASE) >> 2].id = MIPS_OP_REDECODE;
			mips_jit_text_written(vm, addr);
		}
	}
	/* Only a page wholly inside a segment is cached: the one holding the break or the stack's
	 * bottom keeps this path, which sees each address. Segments only grow, so no entry goes stale. */
	if (user && mips_mem_valid(vm, vpn << MIPS_PAGE_SHIFT, MIPS_PAGE_SIZE)) {
		struct mips_tlb *e = write ? vm->wtlb : vm->rtlb;
		e += vpn & (MIPS_TLB_SIZE - 1);
		if (!(write && mips_text_page(vm, addr))) {	/* stores into text always take this slow path */
			e->vpn = vpn;
			e->addend = (uintptr_t)page - ((uintptr_t)vpn << MIPS_PAGE_SHIFT);
		}
	}
	return page + (addr & (MIPS_PAGE_SIZE - 1));
}

void mips_mem_free_all(struct mips_vm *vm)
{
	for (unsigned i = 0; i < (1u << MIPS_L1_BITS); i++) {
		struct mips_l2 *l2 = vm->l1[i];
		if (!l2)
			continue;
		for (unsigned j = 0; j < MIPS_L2_SIZE; j++)
			mips_free(vm->port, l2->page[j], MIPS_PAGE_SIZE);
		mips_free(vm->port, l2, sizeof *l2);
		vm->l1[i] = NULL;
	}
	vm->npages = 0;
	mips_tlb_flush(vm);
}

bool mips_vm_read(struct mips_vm *vm, uint32_t addr, void *buf, size_t n)
{
	uint8_t *out = buf;

	while (n) {
		uint8_t *p = mips_mem_slow(vm, addr, false, false);
		size_t chunk = MIPS_PAGE_SIZE - (addr & (MIPS_PAGE_SIZE - 1));
		if (!p)
			return false;
		chunk = chunk < n ? chunk : n;
		memcpy(out, p, chunk);
		out += chunk, addr += (uint32_t)chunk, n -= chunk;
	}
	return true;
}

bool mips_vm_write(struct mips_vm *vm, uint32_t addr, const void *buf, size_t n)
{
	const uint8_t *in = buf;

	while (n) {
		uint8_t *p = mips_mem_slow(vm, addr, true, false);
		size_t chunk = MIPS_PAGE_SIZE - (addr & (MIPS_PAGE_SIZE - 1));
		if (!p)
			return false;
		chunk = chunk < n ? chunk : n;
		memcpy(p, in, chunk);
		in += chunk, addr += (uint32_t)chunk, n -= chunk;
	}
	return true;
}

size_t mips_vm_page_count(const struct mips_vm *vm)
{
	return vm->npages;
}

bool mips_vm_page_dirty(const struct mips_vm *vm, uint32_t addr)
{
	uint32_t vpn = addr >> MIPS_PAGE_SHIFT;
	const struct mips_l2 *l2 = vm->l1[vpn >> MIPS_L2_BITS];
	unsigned idx = vpn & (MIPS_L2_SIZE - 1);

	return l2 && l2->page[idx] && (l2->dirty[idx / 32] >> (idx % 32) & 1);
}

/* Clears every dirty bit; the write TLB and the translator's store sites go too, so the next
 * store to each page marks it again. */
void mips_vm_clear_dirty(struct mips_vm *vm)
{
	for (unsigned i = 0; i < (1u << MIPS_L1_BITS); i++)
		if (vm->l1[i])
			memset(vm->l1[i]->dirty, 0, sizeof vm->l1[i]->dirty);
	for (unsigned i = 0; i < MIPS_TLB_SIZE; i++)
		vm->wtlb[i].vpn = MIPS_TLB_NONE;
	sites_forget(vm->jit_wsite);
}

const uint8_t *mips_mem_page(const struct mips_vm *vm, uint32_t addr)
{
	uint32_t vpn = addr >> MIPS_PAGE_SHIFT;
	const struct mips_l2 *l2 = vm->l1[vpn >> MIPS_L2_BITS];

	return l2 ? l2->page[vpn & (MIPS_L2_SIZE - 1)] : NULL;
}

bool mips_vm_page_present(const struct mips_vm *vm, uint32_t addr)
{
	return mips_mem_page(vm, addr) != NULL;
}

bool mips_mem_next_page(const struct mips_vm *vm, uint32_t *cursor, uint32_t *addr, const uint8_t **page,
			bool *dirty)
{
	uint32_t vpn = *cursor;

	while (vpn < MIPS_VPN_COUNT) {
		const struct mips_l2 *l2 = vm->l1[vpn >> MIPS_L2_BITS];
		if (!l2) {	/* skip the whole empty second level */
			vpn = (vpn | (MIPS_L2_SIZE - 1)) + 1;
			continue;
		}
		unsigned j = vpn++ & (MIPS_L2_SIZE - 1);
		if (!l2->page[j])
			continue;
		*cursor = vpn;
		*addr = (vpn - 1) << MIPS_PAGE_SHIFT;
		*page = l2->page[j];
		if (dirty)
			*dirty = l2->dirty[j / 32] >> (j % 32) & 1;
		return true;
	}
	*cursor = MIPS_VPN_COUNT;
	return false;
}
