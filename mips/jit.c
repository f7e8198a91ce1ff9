/* jit.c: the translator's portable half: engine choice, each VM's code cache, block lookup and dispatch. */
#include "jit.h"

/*
 * The translation is a cache, never state: generated code keeps every guest register in
 * struct mips_vm whenever it hands the CPU back, so snapshots, migration, DUMP_PROCESSOR_STATE and
 * the interpreter see one machine. Whatever generated code does not do itself (syscalls,
 * para-instructions, the FPU's arithmetic, faults, TLB misses, the tail of a slice shorter than a
 * block) the interpreter does, one instruction or the rest of the slice at a time.
 */

bool mips_vm_set_engine(struct mips_vm *vm, enum mips_engine engine)
{
	if (engine == MIPS_ENGINE_JIT && !(MIPS_PORT_JIT && vm->port->exec))
		return false;
	vm->engine = (uint8_t)engine;
	return true;
}

enum mips_engine mips_vm_engine(const struct mips_vm *vm)
{
	return (enum mips_engine)vm->engine;
}

uint64_t mips_vm_run(struct mips_vm *vm, uint64_t budget)
{
	if (MIPS_PORT_JIT && vm->engine == MIPS_ENGINE_JIT)
		return mips_jit_run(vm, budget);
	return mips_interp_run(vm, budget);
}

#if MIPS_PORT_JIT

#define JIT_PENDING_MAX	1024	/* direct exits waiting for their target's block */
#define JIT_AHEAD_MAX	256	/* blocks translated at once: one and what it leads to */
#define JIT_RESUME_MAX	32	/* instructions interpreted after a side exit, to the next block */
#define JIT_RESUME_SEEN	64	/* spots remembered where that happened (direct-mapped) */
#define JIT_RESUME_HOT	16	/* ... and how often before the spot gets a block of its own */
#define JIT_WRITTEN_MAX	16	/* text words stored to while no code ran; more empty the cache */
#define JIT_BLOCK_AVG	128	/* bytes a block takes on average, for the size of the block list */

/* A translated block: the guest words it holds (pc, n of them) and its code (offset in the cache). */
struct jit_block {
	uint32_t pc, n, off;
};

struct mips_jit {
	const struct mips_exec_mem *mem;
	uint8_t *code;		/* the cache where it runs: the stub, then blocks */
	uint8_t *wcode;		/* the same bytes where they are written (W^X: mips/port.h) */
	size_t size, used, stub_size;
	const uint8_t *exit;	/* the stub's exit path */
	const uint8_t *gone;	/* ... and the path of a dropped block's entry */
	bool stale;		/* new text, or more text words stored to than written[] holds: flush */
	const struct mips_op *ops;	/* the decoded text vm->jit_entry was made for */
	uint32_t nentry;
	uint64_t epoch;		/* flushes so far: an exit's jump to patch is from this epoch */
	struct mips_jit_stats st;
	/* Direct exits not yet pointing at their block (site: offset in code); each batch of new
	 * blocks links what it can. */
	struct mips_jit_link pending[JIT_PENDING_MAX];
	unsigned npending;
	struct { uint32_t pc, n; } resume_seen[JIT_RESUME_SEEN];
	uint32_t slice_end;	/* where the last slice stopped short of a block's end */
	/* Every block in the cache, to find those a store into text reaches: a list that grows up to
	 * maxblocks; when that is full the cache is (the bound is whichever fills first). */
	struct jit_block *blocks;
	uint32_t nblocks, capblocks, maxblocks;
	uint32_t written[JIT_WRITTEN_MAX];	/* text words stored to since code last ran */
	unsigned nwritten;
};

/* Empties the cache (new text, many stores into it, or no room for the next block): every block goes. */
static void jit_flush(struct mips_vm *vm, struct mips_jit *j)
{
	if (j->used > j->stub_size)
		j->st.flushes++;
	j->used = j->stub_size;
	j->stale = false;
	j->epoch++;
	j->npending = 0;
	j->nblocks = 0;
	j->nwritten = 0;
	if (vm->jit_entry)
		memset(vm->jit_entry, 0, j->nentry * sizeof *vm->jit_entry);
}

/* The VM's translator state, made on first use; NULL when memory runs out (the interpreter runs). */
static struct mips_jit *jit_get(struct mips_vm *vm)
{
	const struct mips_exec_mem *mem = vm->port->exec;
	struct mips_jit *j = vm->jit;

	if (j)
		return j;
	if (!(j = mips_alloc(vm->port, sizeof *j)))
		return NULL;
	size_t size = mem->cache_size ? mem->cache_size : MIPS_JIT_CACHE_DEFAULT;
	if (size < 64 + 2 * MIPS_JIT_BLOCK_BYTES)
		size = 64 + 2 * MIPS_JIT_BLOCK_BYTES;
	size = (size + MIPS_PAGE_SIZE - 1) & ~(size_t)(MIPS_PAGE_SIZE - 1);
	j->mem = mem;
	j->size = size;
	j->maxblocks = (uint32_t)(size / JIT_BLOCK_AVG);
	void *w = NULL;
	if (!(j->code = mem->alloc(mem->ud, size, &w))) {
		mips_free(vm->port, j, sizeof *j);
		return NULL;
	}
	j->wcode = w;
	j->stub_size = j->used = mips_jitx_stub(j->wcode, j->code, &j->exit, &j->gone);
	vm->jit = j;
	return j;
}

/*
 * Drops every block holding a word a store reached (jit.h: mips_jitx_drop): the entry table
 * forgets it, its entry leads back to the dispatcher, and the word's next translation reads the
 * word anew (the interpreter decodes it again first: MIPS_OP_REDECODE). A dropped block's code
 * stays in the cache until the next flush.
 */
static void jit_drop_written(struct mips_vm *vm, struct mips_jit *j)
{
	for (uint32_t i = 0; i < j->nblocks; i++) {
		struct jit_block *b = &j->blocks[i];
		for (unsigned k = 0; b->n && k < j->nwritten; k++) {
			if (j->written[k] - b->pc >= 4 * b->n)
				continue;
			uint32_t e = (b->pc - MIPS_TEXT_BASE) / 4;
			if (vm->jit_entry[e] == j->code + b->off)
				vm->jit_entry[e] = NULL;
			mips_jitx_drop(j->wcode + b->off, j->code + b->off, b->pc, j->gone);
			b->n = 0;
			j->st.dropped++;
		}
	}
	j->nwritten = 0;
}

/* Brings the entry table in line with the decoded text, and drops stale translations. */
static bool jit_sync(struct mips_vm *vm, struct mips_jit *j)
{
	if (j->ops != vm->ops || j->nentry != vm->nops) {
		mips_free(vm->port, vm->jit_entry, j->nentry * sizeof *vm->jit_entry);
		vm->jit_entry = NULL, vm->jit_nbytes = 0, j->nentry = 0;
		if (!(vm->jit_entry = mips_alloc(vm->port, (size_t)vm->nops * sizeof *vm->jit_entry)))
			return false;
		j->nentry = vm->nops, vm->jit_nbytes = vm->nops * 4, j->ops = vm->ops;
		j->stale = true;
	}
	if (j->stale)
		jit_flush(vm, j);
	else if (j->nwritten)
		jit_drop_written(vm, j);
	return true;
}

/* Whether the cache has room for one more block: its bytes, and a slot in the list (grown as
 * needed: a small program never pays for a long list). */
static bool jit_room(struct mips_vm *vm, struct mips_jit *j)
{
	if (j->size - j->used < MIPS_JIT_BLOCK_BYTES)
		return false;
	if (j->nblocks < j->capblocks)
		return true;
	uint32_t cap = j->capblocks ? 2 * j->capblocks : 64;
	cap = cap < j->maxblocks ? cap : j->maxblocks;
	struct jit_block *b = cap > j->capblocks ? mips_realloc(vm->port, j->blocks, j->capblocks * sizeof *b,
								cap * sizeof *b) : NULL;
	if (!b)
		return false;
	j->blocks = b, j->capblocks = cap;
	return true;
}

/* The block at byte offset off of the text, translated into the cache (which has room); NULL if
 * the interpreter must run it. Its direct exits join the pending links and ahead[]. */
static void *jit_translate(struct mips_vm *vm, struct mips_jit *j, uint32_t off, uint32_t *ahead, unsigned *nahead)
{
	struct mips_jit_link links[MIPS_JIT_LINKS_MAX];
	unsigned nlinks = 0, ninsn = 0;

	if (!mips_jitx_translatable(&vm->ops[off / 4]) || j->nblocks == j->capblocks)
		return NULL;
	size_t n = mips_jitx_block(vm, MIPS_TEXT_BASE + off, j->wcode + j->used, j->code + j->used, j->size - j->used,
				   j->exit, links, &nlinks, &ninsn);
	if (!n)
		return NULL;
	/* Where the guest goes on after this block, besides its exits: after a call returns, and after
	 * the instruction the block stopped before (a syscall...) has run in the interpreter. */
	uint32_t last = off / 4 + ninsn - 1, after = last + 1;
	if (vm->ops[last].id == MIPS_I_JAL || vm->ops[last].id == MIPS_I_JALR)
		links[nlinks++] = (struct mips_jit_link){ UINT32_MAX, MIPS_TEXT_BASE + 4 * after };
	else if (after < vm->nops && !mips_jitx_translatable(&vm->ops[after]) && nlinks < MIPS_JIT_LINKS_MAX)
		links[nlinks++] = (struct mips_jit_link){ UINT32_MAX, MIPS_TEXT_BASE + 4 * (after + 1) };
	void *code = vm->jit_entry[off / 4] = j->code + j->used;
	j->blocks[j->nblocks++] = (struct jit_block){ MIPS_TEXT_BASE + off, ninsn, (uint32_t)j->used };
	for (unsigned i = 0; i < nlinks; i++) {
		if (links[i].site != UINT32_MAX && j->npending < JIT_PENDING_MAX)
			j->pending[j->npending++] = (struct mips_jit_link){ (uint32_t)j->used + links[i].site, links[i].pc };
		if (*nahead < JIT_AHEAD_MAX)
			ahead[(*nahead)++] = links[i].pc;
	}
	j->used += (n + 15) & ~(size_t)15;
	j->st.blocks++;
	return code;
}

/* Points every pending exit whose block now exists at it. */
static void jit_link(struct mips_vm *vm, struct mips_jit *j)
{
	for (unsigned i = 0; i < j->npending;) {
		uint32_t off = j->pending[i].pc - MIPS_TEXT_BASE;
		void *to = off < vm->jit_nbytes ? vm->jit_entry[off / 4] : NULL;
		if (!to) {
			i++;
			continue;
		}
		mips_jitx_patch(j->wcode + j->pending[i].site, j->code + j->pending[i].site, to);
		j->st.chains++;
		j->pending[i] = j->pending[--j->npending];
	}
}

/*
 * The code of the block at pc, translated now if need be (with the blocks its exits reach, while
 * the cache has room for them, all linked); NULL if the interpreter must run it.
 */
static void *jit_code_at(struct mips_vm *vm, struct mips_jit *j, uint32_t pc)
{
	uint32_t off = pc - MIPS_TEXT_BASE, ahead[JIT_AHEAD_MAX];
	unsigned nahead = 0;

	if (off >= vm->jit_nbytes || (off & 3))
		return NULL;
	if (vm->jit_entry[off / 4])
		return vm->jit_entry[off / 4];
	if (!mips_jitx_translatable(&vm->ops[off / 4]))
		return NULL;
	if (!jit_room(vm, j)) {
		jit_flush(vm, j);	/* the bound: eviction takes the whole cache */
		if (!jit_room(vm, j))
			return NULL;	/* no memory for the list: the interpreter runs */
	}
	void *code = jit_translate(vm, j, off, ahead, &nahead);
	for (unsigned i = 0; code && i < nahead && jit_room(vm, j); i++) {
		uint32_t o = ahead[i] - MIPS_TEXT_BASE;
		if (o < vm->jit_nbytes && !(o & 3) && !vm->jit_entry[o / 4])
			jit_translate(vm, j, o, ahead, &nahead);
	}
	if (code)
		jit_link(vm, j);
	return code;
}

/* One instruction in the interpreter; how many counted (0 when it stopped the VM). */
static uint64_t jit_step(struct mips_jit *j, struct mips_vm *vm)
{
	j->st.interp_steps++;
	return mips_interp_run(vm, 1);
}

/*
 * After a side exit (a TLB miss, a fault reported and skipped), or where a slice ended inside a
 * block, the guest goes on in the middle of a block: the interpreter takes it to the next
 * translated block (a few instructions), so a miss met now and then costs no block. A spot met
 * often gets its own block (the lookup after).
 */
static uint64_t jit_resume(struct mips_vm *vm, struct mips_jit *j, uint64_t left)
{
	uint32_t off = vm->pc - MIPS_TEXT_BASE;
	uint64_t ran = 0;

	if (off >= vm->jit_nbytes || vm->jit_entry[off / 4])
		return 0;
	if (j->resume_seen[(off >> 2) % JIT_RESUME_SEEN].pc != vm->pc)
		j->resume_seen[(off >> 2) % JIT_RESUME_SEEN].pc = vm->pc, j->resume_seen[(off >> 2) % JIT_RESUME_SEEN].n = 0;
	if (++j->resume_seen[(off >> 2) % JIT_RESUME_SEEN].n >= JIT_RESUME_HOT)
		return 0;
	for (unsigned i = 0; i < JIT_RESUME_MAX && ran < left && vm->state == MIPS_VM_RUNNING; i++) {
		off = vm->pc - MIPS_TEXT_BASE;
		if (off < vm->jit_nbytes && !(off & 3) && vm->jit_entry[off / 4])
			break;
		uint64_t r = jit_step(j, vm);
		if (!r)
			break;
		ran += r;
	}
	return ran;
}

/* An unchained exit to vm->pc: the jump at site goes straight to its block from now on. */
static void jit_chain(struct mips_vm *vm, struct mips_jit *j, const uint8_t *site)
{
	uint64_t epoch = j->epoch;
	void *code = jit_code_at(vm, j, vm->pc);

	if (code && epoch == j->epoch) {
		mips_jitx_patch(j->wcode + (site - j->code), site, code);
		j->st.chains++;
		j->st.chain_exits++;
	}
}

uint64_t mips_jit_run(struct mips_vm *vm, uint64_t budget)
{
	struct mips_jit *j;

	if (vm->state == MIPS_VM_BLOCKED)
		vm->state = MIPS_VM_RUNNING;
	if (vm->state != MIPS_VM_RUNNING)
		return 0;
	if (!(j = jit_get(vm))) {	/* said once: the VM is interpreted from now on */
		static const char msg[] = "mips: no memory for the translator's code cache: this VM is interpreted\n";
		vm->engine = MIPS_ENGINE_INTERP;
		vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, msg, sizeof msg - 1);
		return mips_interp_run(vm, budget);
	}
	uint64_t icount0 = vm->icount, left = budget;
	mips_jit_enter_fn *enter = (mips_jit_enter_fn *)(void *)j->code;
	bool mid = vm->pc == j->slice_end;
	while (left && vm->state == MIPS_VM_RUNNING) {
		if (mid && jit_sync(vm, j)) {
			uint64_t ran = jit_resume(vm, j, left);
			mid = false;
			left -= ran;
			if (ran)
				continue;
		}
		void *code = jit_sync(vm, j) ? jit_code_at(vm, j, vm->pc) : NULL;
		uint32_t pc = vm->pc;
		if (!code) {
			uint64_t ran = jit_step(j, vm);
			if (!ran && vm->pc == pc && vm->state == MIPS_VM_RUNNING)
				break;	/* no progress: never spin */
			left -= ran;
			continue;
		}
		struct mips_jit_ret r = enter(vm, code, left);
		vm->icount += left - r.left;
		if (r.info == MIPS_JIT_EXIT_LOOKUP && r.left == left && vm->pc == pc)
			r.info = MIPS_JIT_EXIT_INTERP;	/* back where it started, nothing run: never spin */
		left = r.left;
		switch (r.info) {
		case MIPS_JIT_EXIT_BUDGET:	/* fewer left than the block at vm->pc holds */
			left -= mips_interp_run(vm, left);
			j->slice_end = vm->pc;
			break;
		case MIPS_JIT_EXIT_INTERP:
			left -= jit_step(j, vm);
			left -= jit_resume(vm, j, left);
			break;
		case MIPS_JIT_EXIT_LOOKUP:
			break;
		default:
			jit_chain(vm, j, (const uint8_t *)(uintptr_t)r.info);
			break;
		}
	}
	return vm->icount - icount0;
}

void mips_jit_text_written(struct mips_vm *vm, uint32_t addr)
{
	struct mips_jit *j = vm->jit;

	if (!j)
		return;
	if (j->nwritten < JIT_WRITTEN_MAX)
		j->written[j->nwritten++] = addr & ~3u;
	else
		j->stale = true;	/* many words at once (a copy into text): start afresh */
}

void mips_jit_text_changed(struct mips_vm *vm)
{
	if (vm->jit)
		vm->jit->stale = true;
}

void mips_jit_free(struct mips_vm *vm)
{
	struct mips_jit *j = vm->jit;

	if (!j)
		return;
	mips_free(vm->port, vm->jit_entry, j->nentry * sizeof *vm->jit_entry);
	mips_free(vm->port, j->blocks, j->capblocks * sizeof *j->blocks);
	j->mem->free(j->mem->ud, j->code, j->wcode, j->size);
	mips_free(vm->port, j, sizeof *j);
	vm->jit = NULL, vm->jit_entry = NULL, vm->jit_nbytes = 0;
}

void mips_vm_jit_stats(const struct mips_vm *vm, struct mips_jit_stats *st)
{
	*st = vm->jit ? vm->jit->st : (struct mips_jit_stats){ 0 };
}

#else

uint64_t mips_jit_run(struct mips_vm *vm, uint64_t budget) { return mips_interp_run(vm, budget); }
void mips_jit_text_written(struct mips_vm *vm, uint32_t addr) { (void)vm, (void)addr; }
void mips_jit_text_changed(struct mips_vm *vm) { (void)vm; }
void mips_jit_free(struct mips_vm *vm) { (void)vm; }
void mips_vm_jit_stats(const struct mips_vm *vm, struct mips_jit_stats *st)
{
	(void)vm;
	*st = (struct mips_jit_stats){ 0 };
}

#endif
