/* snapshot.c: the snapshot writer (layout in snapshot_fmt.h) over a byte sink, and the CPU record migration shares. */
#include "internal.h"
#include "snapshot_fmt.h"


struct snap_writer {
	mips_sink sink;
	void *ctx;
	uint32_t crc;		/* over everything emitted so far */
	uint32_t nsections;
	int err;
};

static void w_bytes(struct snap_writer *w, const void *p, size_t n)
{
	if (w->err)
		return;
	w->crc = mips_crc32(w->crc, p, n);
	w->err = w->sink(w->ctx, p, n);
}

/* One section: the payload arrives in two parts (a small head, then an optional body). */
static void w_section(struct snap_writer *w, uint32_t tag, const void *head, size_t hn, const void *body,
		      size_t bn)
{
	uint8_t th[MIPS_WIRE_HEAD], c[4];

	mips_wire_frame(th, c, tag, head, hn, body, bn);
	w_bytes(w, th, sizeof th);
	w_bytes(w, head, hn);
	w_bytes(w, body, bn);
	w_bytes(w, c, 4);
	w->nsections++;
}

static void w_header(struct snap_writer *w)
{
	uint8_t h[SNAP_HDR_SIZE];

	memcpy(h, SNAP_MAGIC, 8);
	mips_put32(h + 8, SNAP_VERSION);
	mips_put32(h + 12, SNAP_HDR_SIZE);
	mips_put32(h + 16, 0);	/* flags: none defined */
	mips_put32(h + 20, mips_crc32(0, h, 20));
	w_bytes(w, h, sizeof h);
}

static void w_prog(struct snap_writer *w, const struct mips_vm *vm)
{
	uint8_t p[PROG_FIXED];
	uint32_t n = (uint32_t)strlen(vm->name);

	uint32_t text_end = MIPS_TEXT_BASE + vm->nops * 4;

	/* the text as it is (the program's own, unless the guest stored into it): what the reader checks */
	mips_put64(p, mips_vm_text_hash_now(vm, text_end));
	mips_put32(p + 8, text_end);
	mips_put32(p + 12, vm->user_text_end);
	mips_put32(p + 16, n);
	w_section(w, TAG_PROG, p, sizeof p, vm->name, n);
}

static void w_pages(struct snap_writer *w, const struct mips_vm *vm)
{
	uint8_t a[4];
	uint32_t cursor = 0, addr;
	const uint8_t *page;

	while (mips_mem_next_page(vm, &cursor, &addr, &page, NULL)) {
		mips_put32(a, addr);
		w_section(w, TAG_PAGE, a, 4, page, MIPS_PAGE_SIZE);
	}
}

void mips_snap_put_cpu(const struct mips_vm *vm, enum mips_vm_state state, uint8_t out[CPU_SIZE])
{
	uint8_t *p = out;

	mips_put32(p, vm->pc), mips_put32(p + 4, vm->hi), mips_put32(p + 8, vm->lo);
	p += 12;
	for (unsigned i = 0; i < 32; i++, p += 4)
		mips_put32(p, i ? vm->r[i] : 0);
	mips_put64(p, vm->icount);
	mips_put32(p + 8, (uint32_t)state);
	mips_put32(p + 12, (uint32_t)vm->exit_code);
	mips_put32(p + 16, vm->brk);
	p += 20;
	for (unsigned i = 0; i < 32; i++, p += 4)
		mips_put32(p, vm->fpr[i]);
	mips_put32(p, vm->fcc);
	mips_put32(p + 4, vm->stack_bot);
}

static void w_cpu(struct snap_writer *w, const struct mips_vm *vm)
{
	uint8_t c[CPU_SIZE];

	mips_snap_put_cpu(vm, vm->state, c);
	w_section(w, TAG_CPU, c, sizeof c, NULL, 0);
}

int mips_snapshot_write(struct mips_vm *vm, mips_sink sink, void *ctx)
{
	struct snap_writer w = { sink, ctx, 0, 0, 0 };
	uint8_t e[8];

	w_header(&w);
	w_prog(&w, vm);
	w_pages(&w, vm);
	w_cpu(&w, vm);
	mips_put32(e, w.nsections);
	mips_put32(e + 4, w.crc);
	w_section(&w, TAG_END, e, sizeof e, NULL, 0);
	return w.err;
}

struct buf_sink {
	const struct mips_port *port;
	struct mips_bytes b;
};

static int buffer_sink(void *ctx, const void *p, size_t n)
{
	struct buf_sink *s = ctx;
	return mips_bytes_append(s->port, &s->b, p, n) ? 0 : -1;
}

bool mips_snapshot_to_buffer(struct mips_vm *vm, void **out, size_t *len)
{
	struct buf_sink s = { vm->port, { 0 } };

	if (mips_snapshot_write(vm, buffer_sink, &s) < 0) {
		mips_bytes_free(vm->port, &s.b);
		return false;
	}
	/* hand over an exact-size buffer so the caller can free it knowing only len */
	uint8_t *p = mips_realloc(vm->port, s.b.p, s.b.cap, s.b.len);
	if (!p) {
		mips_bytes_free(vm->port, &s.b);
		return false;
	}
	*out = p;
	*len = s.b.len;
	return true;
}
