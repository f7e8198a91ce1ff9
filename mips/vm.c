/* vm.c: VM lifetime, program loading, accessors, messages, DUMP_PROCESSOR_STATE and the scheduler. */
#include "internal.h"

#define REG_GP 28
#define REG_SP 29
#define REG_RA 31

bool mips_vm_name_ok(const char *name, size_t len)
{
	if (len == 0 || len >= MIPS_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

struct mips_vm *mips_vm_new(const struct mips_port *port, const char *name, uint32_t mem_limit)
{
	struct mips_vm *vm = mips_alloc(port, sizeof *vm);

	if (!vm)
		return NULL;
	vm->port = port;
	vm->mem_limit = mem_limit ? mem_limit : MIPS_DEFAULT_MEM_LIMIT;
	vm->state = MIPS_VM_EXITED;	/* nothing to run until a program or snapshot is loaded */
	vm->engine = MIPS_PORT_JIT && port->exec ? MIPS_ENGINE_JIT : MIPS_ENGINE_INTERP;
	size_t n = strlen(name);
	n = n < MIPS_NAME_MAX - 1 ? n : MIPS_NAME_MAX - 1;
	memcpy(vm->name, name, n);
	mips_tlb_flush(vm);
	return vm;
}

void mips_vm_free(struct mips_vm *vm)
{
	if (!vm)
		return;
	mips_vm_release(vm);
	mips_free(vm->port, vm, sizeof *vm);
}

void mips_vm_release(struct mips_vm *vm)
{
	mips_free(vm->port, vm->text_line, vm->ntext_line * sizeof *vm->text_line);
	vm->text_line = NULL;
	vm->ntext_line = 0;
	mips_jit_free(vm);
	mips_mem_free_all(vm);
	mips_free(vm->port, vm->ops, vm->nops * sizeof *vm->ops);
	vm->ops = NULL;
	vm->nops = 0;
}

/* Decodes every text word into vm->ops; text_end is the first byte after the exit stub. */
bool mips_vm_predecode(struct mips_vm *vm, uint32_t text_end)
{
	uint32_t n = (text_end - MIPS_TEXT_BASE) / 4;
	uint8_t w[4];

	mips_jit_text_changed(vm);
	mips_free(vm->port, vm->ops, vm->nops * sizeof *vm->ops);
	vm->nops = 0;
	if (!(vm->ops = mips_alloc(vm->port, n * sizeof *vm->ops)))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pc = MIPS_TEXT_BASE + 4 * i;
		if (!mips_vm_read(vm, pc, w, 4))
			return false;
		mips_op_decode(&vm->ops[i], mips_get32(w), pc);
	}
	vm->nops = n;
	return true;
}

/* The program's identity: FNV-1a 64 over its text words as little-endian bytes. */
uint64_t mips_program_text_hash(const uint32_t *text, size_t n)
{
	uint64_t h = MIPS_FNV_INIT;
	uint8_t b[4];

	for (size_t i = 0; i < n; i++) {
		mips_put32(b, text[i]);
		h = mips_fnv1a64(h, b, 4);
	}
	return h;
}

/* The same hash over the text words as they are in memory now (a missing page counts as zeros). */
uint64_t mips_vm_text_hash_now(const struct mips_vm *vm, uint32_t text_end)
{
	static const uint8_t zero[MIPS_PAGE_SIZE];
	uint64_t h = MIPS_FNV_INIT;

	for (uint32_t a = MIPS_TEXT_BASE; a < text_end; a += MIPS_PAGE_SIZE) {
		const uint8_t *p = mips_mem_page(vm, a);
		uint32_t n = text_end - a < MIPS_PAGE_SIZE ? text_end - a : MIPS_PAGE_SIZE;
		h = mips_fnv1a64(h, p ? p : zero, n);
	}
	return h;
}

void mips_vm_keep_source(struct mips_vm *vm, const struct mips_program *prog)
{
	mips_free(vm->port, vm->text_line, vm->ntext_line * sizeof *vm->text_line);
	vm->ntext_line = 0;
	vm->text_line = mips_alloc(vm->port, prog->ntext * sizeof *vm->text_line);
	if (vm->text_line) { /* without memory for it, faults are reported without file:line */
		memcpy(vm->text_line, prog->text_line, prog->ntext * sizeof *vm->text_line);
		vm->ntext_line = (uint32_t)prog->ntext;
	}
	memcpy(vm->file, prog->file, sizeof vm->file);
}

bool mips_vm_load(struct mips_vm *vm, const struct mips_program *prog)
{
	bool ok = true;
	uint8_t b[4];

	for (size_t i = 0; ok && i < prog->ntext; i++) {
		mips_put32(b, prog->text[i]);
		ok = mips_vm_write(vm, MIPS_TEXT_BASE + 4 * (uint32_t)i, b, 4);
	}
	ok = ok && mips_vm_write(vm, MIPS_DATA_BASE, prog->data, prog->ndata);
	ok = ok && mips_vm_write(vm, MIPS_KDATA_BASE, prog->kdata, prog->nkdata);
	ok = ok && mips_vm_predecode(vm, MIPS_TEXT_BASE + 4 * (uint32_t)prog->ntext);
	if (!ok) {
		mips_vm_faultf(vm, prog->entry, "program does not fit in the memory limit of %u KiB",
			       vm->mem_limit >> 10);
		return false;
	}
	vm->text_hash = mips_program_text_hash(prog->text, prog->ntext);
	mips_vm_keep_source(vm, prog);
	vm->user_text_end = prog->user_text_end;
	vm->pc = prog->entry;
	vm->r[REG_GP] = MIPS_GP_INIT;
	vm->r[REG_SP] = MIPS_SP_INIT;
	vm->r[REG_RA] = prog->user_text_end + 4;	/* the exit stub: returning from main exits */
	uint32_t data_end = (MIPS_DATA_BASE + (uint32_t)prog->ndata + 7) & ~7u;
	vm->brk = data_end > MIPS_HEAP_MIN ? data_end : MIPS_HEAP_MIN;
	vm->stack_bot = MIPS_STACK_BOT_INIT;
	vm->state = MIPS_VM_RUNNING;
	return true;
}

enum mips_vm_state mips_vm_state(const struct mips_vm *vm) { return vm->state; }
const char *mips_vm_name(const struct mips_vm *vm) { return vm->name; }
int mips_vm_exit_code(const struct mips_vm *vm) { return vm->exit_code; }
uint64_t mips_vm_icount(const struct mips_vm *vm) { return vm->icount; }
uint32_t mips_vm_pc(const struct mips_vm *vm) { return vm->pc; }
uint32_t mips_vm_reg(const struct mips_vm *vm, unsigned r) { return r ? vm->r[r & 31] : 0; }
uint32_t mips_vm_hi(const struct mips_vm *vm) { return vm->hi; }
uint32_t mips_vm_lo(const struct mips_vm *vm) { return vm->lo; }
const char *mips_vm_fault(const struct mips_vm *vm) { return vm->fault; }

void mips_vm_set_reg(struct mips_vm *vm, unsigned r, uint32_t v)
{
	if (r & 31)
		vm->r[r & 31] = v;
}

void mips_vm_out(struct mips_vm *vm, const char *s, size_t n)
{
	if (n)
		vm->port->write(vm->port->ud, vm, MIPS_STREAM_OUT, s, n);
}

void mips_vm_diagf(struct mips_vm *vm, const char *fmt, ...)
{
	char msg[MIPS_MSG_MAX];
	struct mips_strbuf sb = { msg, sizeof msg, 0 };
	va_list ap;

	mips_sb_printf(&sb, "vm %s: ", vm->name);
	va_start(ap, fmt);
	mips_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	mips_sb_printf(&sb, "\n");
	vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, msg, strlen(msg));
}

/* Stops the VM: "vm NAME: fault at pc 0x...: <instruction>: <cause>", kept and reported. */
void mips_vm_faultf(struct mips_vm *vm, uint32_t pc, const char *fmt, ...)
{
	char insn[64] = "?";
	struct mips_strbuf sb = { vm->fault, sizeof vm->fault, 0 };
	uint8_t w[4];
	va_list ap;

	uint32_t word = (pc - MIPS_TEXT_BASE) / 4, line = 0;
	if (pc >= MIPS_TEXT_BASE && pc - MIPS_TEXT_BASE < vm->nops * 4u && mips_vm_read(vm, pc, w, 4))
		mips_disasm(mips_get32(w), pc, insn, sizeof insn);
	if (pc >= MIPS_TEXT_BASE && word < vm->ntext_line)
		line = vm->text_line[word];
	if (line)
		mips_sb_printf(&sb, "vm %s: fault at pc 0x%08x, %s:%u (%s): ", vm->name, pc, vm->file, line, insn);
	else
		mips_sb_printf(&sb, "vm %s: fault at pc 0x%08x (%s): ", vm->name, pc, insn);
	va_start(ap, fmt);
	mips_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	vm->state = MIPS_VM_FAULTED;
	vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, vm->fault, strlen(vm->fault));
	vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, "\n", 1);
}

void mips_vm_dump_state(struct mips_vm *vm)
{
	char line[128];
	size_t n;

	n = mips_snprintf(line, sizeof line, "pc = 0x%08x  hi = 0x%08x (%d)  lo = 0x%08x (%d)\n",
			  vm->pc, vm->hi, (int32_t)vm->hi, vm->lo, (int32_t)vm->lo);
	mips_vm_out(vm, line, n);
	for (unsigned i = 0; i < 32; i++) {
		uint32_t v = mips_vm_reg(vm, i);
		n = mips_snprintf(line, sizeof line, "$%-2u %-4s = 0x%08x (%d)\n", i, mips_reg_name(i), v,
				  (int32_t)v);
		mips_vm_out(vm, line, n);
	}
	mips_fpu_dump(vm);
	n = mips_snprintf(line, sizeof line, "instructions = %llu\n", (unsigned long long)vm->icount);
	mips_vm_out(vm, line, n);
}

size_t mips_sched_round(struct mips_sched *s)
{
	size_t live = 0;

	for (size_t i = 0; i < s->nvms; i++) {
		struct mips_vm *vm = s->vms[i];
		if (vm->state == MIPS_VM_RUNNING || vm->state == MIPS_VM_BLOCKED)
			mips_vm_run(vm, s->slice);
		if (vm->state == MIPS_VM_RUNNING || vm->state == MIPS_VM_BLOCKED)
			live++;
	}
	return live;
}

void mips_sched_run(struct mips_sched *s)
{
	while (mips_sched_round(s))
		;
}
