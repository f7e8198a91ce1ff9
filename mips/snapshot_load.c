/* snapshot_load.c: the snapshot reader: every length, checksum and value checked, the failed check named. */
#include "internal.h"
#include "snapshot_fmt.h"


struct snap_reader {
	struct mips_vm *vm;
	const uint8_t *buf;
	size_t len, off;	/* off: start of the section being read */
	char *msg;
	uint32_t nsections, version;
	bool have_prog, have_cpu;
	uint64_t text_hash;
	uint32_t text_end;
};

static bool fail(struct snap_reader *r, const char *check)
{
	mips_snprintf(r->msg, MIPS_MSG_MAX, "snapshot: %s check failed at offset %zu", check, r->off);
	return false;
}

static bool read_header(struct snap_reader *r)
{
	if (r->len < SNAP_HDR_SIZE)
		return fail(r, "header length (file truncated)");
	if (memcmp(r->buf, SNAP_MAGIC, 8))
		return fail(r, "magic");
	r->version = mips_get32(r->buf + 8);
	if (r->version < 1 || r->version > SNAP_VERSION)	/* 1: no FPU state; 2: no stack bottom */
		return fail(r, "version");
	if (mips_get32(r->buf + 12) != SNAP_HDR_SIZE)
		return fail(r, "header size");
	if (mips_get32(r->buf + 16) != 0)
		return fail(r, "header flags (none defined; incremental snapshots are not supported)");
	if (mips_get32(r->buf + 20) != mips_crc32(0, r->buf, 20))
		return fail(r, "header crc");
	r->off = SNAP_HDR_SIZE;
	return true;
}

bool mips_snap_text_bounds_ok(uint32_t text_end, uint32_t user_end)
{
	return text_end >= MIPS_TEXT_BASE + 8 && text_end - MIPS_TEXT_BASE <= TEXT_MAX && !(text_end & 3) &&
	       user_end + 8 <= text_end && user_end >= MIPS_TEXT_BASE && !(user_end & 3);
}

bool mips_snap_page_addr_ok(uint32_t a)
{
	bool user = a >= MIPS_USER_LOW && a < MIPS_USER_END;
	bool kdata = a >= MIPS_KDATA_BASE && a - MIPS_KDATA_BASE < KDATA_MAX;

	return !(a & (MIPS_PAGE_SIZE - 1)) && (user || kdata);
}

static bool read_prog(struct snap_reader *r, const uint8_t *p, uint32_t n)
{
	if (r->have_prog || r->nsections != 0)
		return fail(r, "PROG first and once");
	if (n < PROG_FIXED || mips_get32(p + 16) != n - PROG_FIXED || mips_get32(p + 16) >= MIPS_NAME_MAX)
		return fail(r, "PROG length");
	if (!mips_vm_name_ok((const char *)p + PROG_FIXED, n - PROG_FIXED))
		return fail(r, "PROG name characters");
	r->text_hash = mips_get64(p);
	r->text_end = mips_get32(p + 8);
	uint32_t user_end = mips_get32(p + 12);
	if (!mips_snap_text_bounds_ok(r->text_end, user_end))
		return fail(r, "PROG text bounds");
	r->vm->user_text_end = user_end;
	r->vm->text_hash = r->text_hash;
	if (!r->vm->name[0])
		memcpy(r->vm->name, p + PROG_FIXED, n - PROG_FIXED);
	r->have_prog = true;
	return true;
}

static bool read_page(struct snap_reader *r, const uint8_t *p, uint32_t n)
{
	if (!r->have_prog || r->have_cpu)
		return fail(r, "PAGE between PROG and CPU");
	if (n != 4 + MIPS_PAGE_SIZE)
		return fail(r, "PAGE length");
	if (!mips_snap_page_addr_ok(mips_get32(p)))
		return fail(r, "PAGE address");
	if (!mips_vm_write(r->vm, mips_get32(p), p + 4, MIPS_PAGE_SIZE))
		return fail(r, "memory limit");
	return true;
}

/* A record older than version 3 has no stack bottom: SPIM's first one, or lower to keep every
 * resident page of the zone the stack grows into (those VMs could touch any address). */
static uint32_t stack_bot_from_pages(const struct mips_vm *vm)
{
	uint32_t bot = MIPS_STACK_BOT_INIT;

	for (uint32_t a = bot - MIPS_PAGE_SIZE; a > MIPS_STACK_BOT_INIT - MIPS_STACK_ZONE; a -= MIPS_PAGE_SIZE)
		if (a >= vm->brk && mips_vm_page_present(vm, a))
			bot = a;
	return bot;
}

const char *mips_snap_get_cpu(struct mips_vm *vm, const uint8_t *p, uint32_t n, uint32_t text_end)
{
	if (n != MIPS_CPU_RECORD_SIZE_V1 && n != MIPS_CPU_RECORD_SIZE_V2 && n != MIPS_CPU_RECORD_SIZE)
		return "CPU length";
	const uint8_t *f = p + MIPS_CPU_RECORD_SIZE_V1;
	for (unsigned i = 0; i < 32; i++)
		vm->fpr[i] = n >= MIPS_CPU_RECORD_SIZE_V2 ? mips_get32(f + 4 * i) : 0;
	uint32_t fcc = n >= MIPS_CPU_RECORD_SIZE_V2 ? mips_get32(f + 128) : 0;
	if (fcc > 0xff)
		return "CPU FPU condition flags";
	vm->fcc = (uint8_t)fcc;
	vm->pc = mips_get32(p), vm->hi = mips_get32(p + 4), vm->lo = mips_get32(p + 8);
	for (unsigned i = 0; i < 32; i++)
		vm->r[i] = mips_get32(p + 12 + 4 * i);
	p += 12 + 128;
	vm->icount = mips_get64(p);
	uint32_t state = mips_get32(p + 8);
	vm->exit_code = (int)mips_get32(p + 12);
	vm->brk = mips_get32(p + 16);
	if (vm->r[0])
		return "CPU $zero is zero";
	if (state > MIPS_VM_EXITED)
		return "CPU state";
	if ((vm->pc & 3) || vm->pc < MIPS_TEXT_BASE || vm->pc >= text_end)
		return "CPU pc inside text";
	if (vm->brk < MIPS_DATA_BASE || vm->brk > MIPS_DATA_END)
		return "CPU break";
	vm->stack_bot = n == MIPS_CPU_RECORD_SIZE ? mips_get32(f + 132) : stack_bot_from_pages(vm);
	if ((vm->stack_bot & 3) || vm->stack_bot > MIPS_STACK_BOT_INIT ||
	    (n == MIPS_CPU_RECORD_SIZE && vm->stack_bot < MIPS_STACK_TOP - MIPS_STACK_LIMIT))
		return "CPU stack bottom";
	vm->state = state == MIPS_VM_BLOCKED ? MIPS_VM_RUNNING : (enum mips_vm_state)state;
	return NULL;
}

static bool read_cpu(struct snap_reader *r, const uint8_t *p, uint32_t n)
{
	if (!r->have_prog || r->have_cpu)
		return fail(r, "CPU once after PROG");
	if (n != (r->version == 1 ? MIPS_CPU_RECORD_SIZE_V1 : r->version == 2 ? MIPS_CPU_RECORD_SIZE_V2 : CPU_SIZE))
		return fail(r, "CPU length");
	const char *bad = mips_snap_get_cpu(r->vm, p, n, r->text_end);
	if (bad)
		return fail(r, bad);
	r->have_cpu = true;
	return true;
}

static bool read_end(struct snap_reader *r, const uint8_t *p, uint32_t n, size_t next)
{
	if (n != 8)
		return fail(r, "END length");
	if (mips_get32(p) != r->nsections)
		return fail(r, "END section count");
	if (mips_get32(p + 4) != mips_crc32(0, r->buf, r->off))
		return fail(r, "END whole-file crc");
	if (!r->have_prog || !r->have_cpu)
		return fail(r, "PROG and CPU present");
	if (next != r->len) {
		r->off = next;
		return fail(r, "nothing after END");
	}
	return true;
}

/* Reads sections until END; returns false at the first failed check. */
static bool read_sections(struct snap_reader *r)
{
	for (;;) {
		struct mips_wire_rec s;
		switch (mips_wire_check(r->buf + r->off, r->len - r->off, UINT32_MAX, &s)) {
		case MIPS_WIRE_OK: break;
		case MIPS_WIRE_SHORT_HEAD: return fail(r, "section header length (file truncated)");
		case MIPS_WIRE_SHORT_BODY: return fail(r, "section length (file truncated)");
		case MIPS_WIRE_TOO_LONG: return fail(r, "section length");	/* no bound: cannot happen */
		case MIPS_WIRE_BAD_CRC: return fail(r, "section crc");
		}
		size_t next = r->off + s.size;
		bool ok;
		switch (s.tag) {
		case TAG_PROG: ok = read_prog(r, s.payload, s.len); break;
		case TAG_PAGE: ok = read_page(r, s.payload, s.len); break;
		case TAG_CPU: ok = read_cpu(r, s.payload, s.len); break;
		case TAG_END: return read_end(r, s.payload, s.len, next);
		default: return fail(r, "section tag");
		}
		if (!ok)
			return false;
		r->off = next;
		r->nsections++;
	}
}

const char *mips_vm_restore_finish(struct mips_vm *vm, uint32_t text_end)
{
	for (uint32_t a = MIPS_TEXT_BASE; a < text_end; a += MIPS_PAGE_SIZE)
		if (!mips_vm_page_present(vm, a))
			return "text pages present";	/* the pre-decoder reads them all */
	if (!mips_vm_predecode(vm, text_end))
		return "memory for decoded text";
	mips_tlb_flush(vm);
	return NULL;
}

bool mips_snapshot_load(struct mips_vm *vm, const void *buf, size_t len,
			const struct mips_program *expect_prog, char msg[MIPS_MSG_MAX])
{
	struct snap_reader r = { .vm = vm, .buf = buf, .len = len, .msg = msg };

	msg[0] = 0;
	if (!read_header(&r) || !read_sections(&r))
		return false;
	r.off = 0;
	if (expect_prog && mips_program_text_hash(expect_prog->text, expect_prog->ntext) != r.text_hash)
		return fail(&r, "program identity (snapshot of another program)");
	const char *bad = mips_vm_restore_finish(vm, r.text_end);
	if (bad)
		return fail(&r, bad);
	if (mips_vm_text_hash_now(vm, r.text_end) != r.text_hash)	/* the identity is the text itself */
		return fail(&r, "PROG text hash (the text is not the one the snapshot names)");
	if (expect_prog)
		mips_vm_keep_source(vm, expect_prog);
	return true;
}

bool mips_snapshot_load_named(struct mips_vm *vm, const char *name, const struct mips_program *expect_prog,
			      char msg[MIPS_MSG_MAX])
{
	const struct mips_port *port = vm->port;
	long len = port->storage_read(port->ud, name, NULL, 0);

	if (len < 0) {
		mips_snprintf(msg, MIPS_MSG_MAX, "snapshot: %s: not found in storage", name);
		return false;
	}
	uint8_t *buf = mips_alloc(port, (size_t)len + 1);
	if (!buf) {
		mips_snprintf(msg, MIPS_MSG_MAX, "snapshot: %s: out of memory for %ld bytes", name, len);
		return false;
	}
	long got = port->storage_read(port->ud, name, buf, (size_t)len);
	bool ok = got == len && mips_snapshot_load(vm, buf, (size_t)len, expect_prog, msg);
	if (got != len)
		mips_snprintf(msg, MIPS_MSG_MAX, "snapshot: %s: changed while being read", name);
	mips_free(port, buf, (size_t)len + 1);
	return ok;
}
