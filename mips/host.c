/* host.c: the portable MIPS host's table of VMs: output lines with the VM's name, the scheduler
 * round, states, kill, and the adoption of received VMs (transfers are host_mig.c). */
#include "host_int.h"

#define MSG_LINE_MAX	512

static struct host_vm *rec_of(const struct mips_host *h, const struct mips_vm *vm)
{
	for (size_t i = 0; vm && i < h->nvms; i++)
		if (h->vms[i]->vm == vm)
			return h->vms[i];
	return NULL;
}

uint64_t mips_host_now(const struct mips_host *h) { return h->base.clock_ns(h->base.ud); }

static void raw(struct mips_host *h, enum mips_stream stream, const char *s, size_t n)
{
	h->base.write(h->base.ud, NULL, stream, s, n);
}

static void begin_line(struct mips_host *h)
{
	if (h->cfg.begin_line)
		h->cfg.begin_line(h->base.ud);
}

/* A VM's line, whole: "[name] line\n" (BRACKETS) or "name: line\n" (NAME_COLON), so the lines of
 * several VMs never mix. A line that was already begun (a prompt shown before input) goes on
 * without a second prefix. */
static void flush_line(struct mips_host *h, struct host_vm *r, bool newline)
{
	char buf[MIPS_NAME_MAX + HOST_LINE_MAX + 8];
	bool cont = r->mid_line;
	const char *fmt = cont ? "%s%.*s%s" : h->cfg.lines == MIPS_HOST_BRACKETS ? "[%s] %.*s%s" : "%s: %.*s%s";
	size_t n = mips_snprintf(buf, sizeof buf, fmt, cont ? "" : r->name, (int)r->line_len, r->line,
				 newline ? "\n" : "");

	r->line_len = 0;
	r->mid_line = !newline;
	if (!cont)
		begin_line(h);
	raw(h, MIPS_STREAM_OUT, buf, n < sizeof buf ? n : sizeof buf - 1);
}

static void port_write(void *ud, struct mips_vm *vm, enum mips_stream stream, const char *s, size_t n)
{
	struct mips_host *h = ud;
	struct host_vm *r = rec_of(h, vm);

	if (!r || h->cfg.lines == MIPS_HOST_RAW || (h->cfg.lines == MIPS_HOST_NAME_COLON && stream == MIPS_STREAM_DIAG)) {
		h->base.write(h->base.ud, vm, stream, s, n);	/* assembler diagnostics carry their own file:line: */
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || r->line_len == HOST_LINE_MAX)	/* mipsvm continues a full line unbroken */
			flush_line(h, r, s[i] == '\n' || h->cfg.lines == MIPS_HOST_BRACKETS);
		if (s[i] != '\n')
			r->line[r->line_len++] = s[i];
	}
}

void mips_host_end_line(struct mips_host *h, const struct mips_vm *vm)
{
	struct host_vm *r = rec_of(h, vm);

	if (r && (r->line_len || r->mid_line))
		flush_line(h, r, true);
}

void mips_host_msg(struct mips_host *h, const char *fmt, ...)
{
	char buf[MSG_LINE_MAX];
	struct mips_strbuf sb = { buf, sizeof buf - 1, 0 };
	va_list ap;

	va_start(ap, fmt);
	mips_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	size_t n = sb.len < sizeof buf - 2 ? sb.len : sizeof buf - 2;
	buf[n++] = '\n';
	begin_line(h);
	raw(h, MIPS_STREAM_DIAG, buf, n);
}

/* ---- the VMs' port: the platform's, with the host's write and migrate ---- */

static void *port_alloc(void *ud, void *p, size_t o, size_t n)
{
	struct mips_host *h = ud;
	return h->base.alloc(h->base.ud, p, o, n);
}

static long port_input(void *ud, struct mips_vm *vm, char *buf, size_t cap)
{
	struct mips_host *h = ud;
	struct host_vm *r = rec_of(h, vm);
	if (r && r->line_len && h->cfg.lines == MIPS_HOST_NAME_COLON)
		flush_line(h, r, false);	/* a prompt is shown before the VM waits for its answer */
	return h->base.input(h->base.ud, vm, buf, cap);
}

static uint64_t port_clock(void *ud) { return mips_host_now(ud); }

static int port_storage_write(void *ud, const char *name, const void *buf, size_t len)
{
	struct mips_host *h = ud;
	return h->base.storage_write(h->base.ud, name, buf, len);
}

static long port_storage_read(void *ud, const char *name, void *buf, size_t cap)
{
	struct mips_host *h = ud;
	return h->base.storage_read(h->base.ud, name, buf, cap);
}

static void port_migrate(void *ud, struct mips_vm *vm, const char *target)
{
	mips_host_end_line(ud, vm);	/* what it printed so far stays with this console */
	mips_host_mig_start(ud, vm, target);
}

struct mips_host *mips_host_new(const struct mips_port *base, const struct mips_host_net *net,
				const struct mips_host_config *cfg)
{
	struct mips_host *h = mips_alloc(base, sizeof *h);

	if (!h)
		return NULL;
	h->base = *base;
	h->cfg = *cfg;
	if (!h->cfg.slice)
		h->cfg.slice = 10000;
	if (net) {
		h->net = *net;
		h->have_net = net->connect || net->accept;
	}
	h->port = (struct mips_port){ h, port_alloc, port_write, port_input, port_clock, port_storage_write,
				      port_storage_read, port_migrate, base->exec };
	return h;
}

static void rec_free(struct mips_host *h, struct host_vm *r)
{
	mips_vm_free(r->vm);
	mips_free(&h->base, r, sizeof *r);
}

void mips_host_free(struct mips_host *h)
{
	if (!h)
		return;
	mips_host_mig_free_all(h);
	for (size_t i = 0; i < h->nvms; i++)
		rec_free(h, h->vms[i]);
	mips_free(&h->base, h->vms, h->cap * sizeof *h->vms);
	mips_free(&h->base, h, sizeof *h);
}

const struct mips_port *mips_host_port(struct mips_host *h) { return &h->port; }
struct mips_host_config *mips_host_config(struct mips_host *h) { return &h->cfg; }
void mips_host_set_listening(struct mips_host *h, bool on) { h->listening = on; }

/* ---- the table ---- */

bool mips_host_grow(const struct mips_host *h, void ***tab, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 8;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	void **p = mips_realloc(&h->base, *tab, *cap * sizeof *p, ncap * sizeof *p);
	if (!p)
		return false;
	*tab = p;
	*cap = ncap;
	return true;
}

static bool room_for(struct mips_host *h, size_t n)
{
	return mips_host_grow(h, (void ***)&h->vms, &h->cap, h->nvms + h->reserved + n);
}

static bool runnable(const struct mips_vm *vm, bool killed)
{
	enum mips_vm_state st = vm && !killed ? mips_vm_state(vm) : MIPS_VM_EXITED;
	return st == MIPS_VM_RUNNING || st == MIPS_VM_BLOCKED;
}

/* Not ended: runnable, or paused while its last pages go (it may yet run on here). */
static bool live(const struct mips_vm *vm, bool killed)
{
	return runnable(vm, killed) || (vm && !killed && mips_vm_state(vm) == MIPS_VM_PAUSED);
}

static bool rec_runnable(const struct host_vm *r) { return runnable(r->vm, r->killed); }
static bool rec_live(const struct host_vm *r) { return live(r->vm, r->killed); }

bool mips_host_runnable(const struct mips_host *h, const struct mips_vm *vm)
{
	const struct host_vm *r = rec_of(h, vm);
	return runnable(vm, r && r->killed);
}

bool mips_host_live(const struct mips_host *h, const struct mips_vm *vm)
{
	const struct host_vm *r = rec_of(h, vm);
	return live(vm, r && r->killed);
}

size_t mips_host_live_count(const struct mips_host *h)
{
	size_t n = 0;
	for (size_t i = 0; i < h->nvms; i++)
		n += rec_live(h->vms[i]);
	return n;
}

/* The record of an ended VM called name that no transfer holds: a new VM may take its place. */
static struct host_vm *ended_named(struct mips_host *h, const char *name)
{
	for (size_t i = 0; i < h->nvms; i++) {
		struct host_vm *r = h->vms[i];
		if (!strcmp(r->name, name) && !rec_live(r) && !mips_host_sending(h, r->vm))
			return r;
	}
	return NULL;
}

static bool live_named(const struct mips_host *h, const char *name)
{
	for (size_t i = 0; i < h->nvms; i++)
		if (!strcmp(h->vms[i]->name, name) && rec_live(h->vms[i]))
			return true;
	return false;
}

bool mips_host_name_free(struct mips_host *h, const char *what, const char *name)
{
	if (!live_named(h, name))
		return true;
	mips_host_msg(h, "%s: cannot start '%s': a VM with that name exists", what, name);
	return false;
}

/* Puts the fresh record r into the table: in place of an ended VM of its name, else at the end
 * (room made before). */
static void enter(struct mips_host *h, struct host_vm *r)
{
	struct host_vm *old = ended_named(h, r->name);

	for (size_t i = 0; old && i < h->nvms; i++)
		if (h->vms[i] == old)
			h->vms[i] = r;
	if (old)
		rec_free(h, old);
	else
		h->vms[h->nvms++] = r;
}

static struct host_vm *new_rec(struct mips_host *h, const char *name, uint64_t slice)
{
	struct host_vm *r = room_for(h, 1) ? mips_alloc(&h->base, sizeof *r) : NULL;

	if (!r)
		return NULL;
	mips_snprintf(r->name, sizeof r->name, "%s", name);
	r->slice = slice ? slice : h->cfg.slice;
	return r;
}

struct mips_vm *mips_host_new_vm(struct mips_host *h, const char *name, uint32_t mem_limit, uint64_t slice)
{
	struct host_vm *r = new_rec(h, name, slice);

	if (!r || !(r->vm = mips_vm_new(&h->port, name, mem_limit))) {
		if (r)
			mips_free(&h->base, r, sizeof *r);
		return NULL;
	}
	enter(h, r);
	return r->vm;
}

bool mips_host_add(struct mips_host *h, struct mips_vm *vm, const char *name, uint64_t slice)
{
	struct host_vm *r = new_rec(h, name ? name : mips_vm_name(vm), slice);

	if (!r)
		return false;
	r->vm = vm;
	enter(h, r);
	return true;
}

void mips_host_drop(struct mips_host *h, struct mips_vm *vm)
{
	for (size_t i = 0; i < h->nvms; i++)
		if (h->vms[i]->vm == vm) {
			rec_free(h, h->vms[i]);
			memmove(&h->vms[i], &h->vms[i + 1], (h->nvms - i - 1) * sizeof *h->vms);
			h->nvms--;
			return;
		}
	mips_vm_free(vm);
}

struct host_vm *mips_host_admit(struct mips_host *h)
{
	struct host_vm *r = room_for(h, 1) ? mips_alloc(&h->base, sizeof *r) : NULL;

	if (r)
		h->reserved++;
	return r;
}

void mips_host_unadmit(struct mips_host *h, struct host_vm *rec)
{
	if (!rec)
		return;
	h->reserved--;
	mips_free(&h->base, rec, sizeof *rec);
}

void mips_host_adopt(struct mips_host *h, struct host_vm *rec, struct mips_vm *vm, const char *from)
{
	const char *own = mips_vm_name(vm);

	mips_snprintf(rec->name, sizeof rec->name, "%s", own);
	for (unsigned n = 2; live_named(h, rec->name); n++) {	/* "fib-2", "fib-3"... */
		int digits = n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : 10;
		int keep = MIPS_NAME_MAX - 2 - digits < MIPS_NAME_MAX - 5 ? MIPS_NAME_MAX - 2 - digits : MIPS_NAME_MAX - 5;
		mips_snprintf(rec->name, sizeof rec->name, "%.*s-%u", keep, own, n);
	}
	rec->vm = vm;
	rec->slice = h->cfg.slice;
	h->reserved--;
	enter(h, rec);
	if (h->cfg.resume_slice)
		mips_host_msg(h, "mips: resumed '%s' (from %s) at pc 0x%08x after %llu instructions, slice %llu",
			      rec->name, from, mips_vm_pc(vm), (unsigned long long)mips_vm_icount(vm),
			      (unsigned long long)rec->slice);
	else
		mips_host_msg(h, "mips: resumed '%s' (from %s) at pc 0x%08x after %llu instructions", rec->name,
			      from, mips_vm_pc(vm), (unsigned long long)mips_vm_icount(vm));
}

uint64_t mips_host_received_mem(const struct mips_host *h)
{
	uint64_t n = 0;
	for (size_t i = 0; i < h->nvms; i++)
		if (h->vms[i]->in_limit && (rec_live(h->vms[i]) || mips_vm_page_count(h->vms[i]->vm)))
			n += h->vms[i]->in_limit;
	return n;
}

size_t mips_host_count(const struct mips_host *h) { return h->nvms; }
struct mips_vm *mips_host_vm(const struct mips_host *h, size_t i) { return i < h->nvms ? h->vms[i]->vm : NULL; }

const char *mips_host_name(const struct mips_host *h, const struct mips_vm *vm)
{
	const struct host_vm *r = rec_of(h, vm);
	return r ? r->name : mips_vm_name(vm);
}

struct mips_vm *mips_host_find(struct mips_host *h, const char *name)
{
	struct mips_vm *any = NULL;

	for (size_t i = 0; i < h->nvms; i++)
		if (!strcmp(h->vms[i]->name, name)) {
			if (rec_live(h->vms[i]))
				return h->vms[i]->vm;
			any = any ? any : h->vms[i]->vm;
		}
	if (!any)
		mips_host_msg(h, "no MIPS VM named '%s' (try 'vms')", name);
	return any;
}

const char *mips_host_state_name(const struct mips_host *h, const struct mips_vm *vm)
{
	const struct host_vm *r = rec_of(h, vm);

	if (r && r->killed)
		return "killed";
	switch (mips_vm_state(vm)) {
	case MIPS_VM_RUNNING: return "running";
	case MIPS_VM_BLOCKED: return "blocked";
	case MIPS_VM_EXITED: return "exited";
	case MIPS_VM_FAULTED: return "faulted";
	case MIPS_VM_MIGRATED: return "migrated";
	case MIPS_VM_PAUSED: return "paused";
	}
	return "unknown";
}

static void report_end(struct mips_host *h, struct host_vm *r)
{
	mips_host_end_line(h, r->vm);
	r->reported = true;
	mips_host_msg(h, "mips: '%s' %s after %llu instructions", r->name, mips_host_state_name(h, r->vm),
		      (unsigned long long)mips_vm_icount(r->vm));
}

size_t mips_host_round(struct mips_host *h)
{
	size_t can_run = 0;

	for (size_t i = 0; i < h->nvms; i++) {
		struct host_vm *r = h->vms[i];
		struct mips_sched one = { &r->vm, 1, r->slice };
		if (rec_runnable(r)) {
			uint64_t t0 = mips_host_now(h);
			mips_sched_round(&one);
			r->run_ns += mips_host_now(h) - t0;
		}
		if (rec_runnable(r))
			can_run++;
		else if (h->cfg.report_ends && !r->reported && !r->killed && !rec_live(r))
			report_end(h, r);
	}
	return can_run;
}

/* ---- shell commands ---- */

void mips_host_list(struct mips_host *h)
{
	if (!h->nvms)
		mips_host_msg(h, "  no MIPS VMs");
	for (size_t i = 0; i < h->nvms; i++) {
		struct mips_vm *vm = h->vms[i]->vm;
		uint64_t us = h->vms[i]->run_ns / 1000;
		mips_host_msg(h, "  mips  %-16s %-9s %llu instructions, %zu pages, %s, %llu us running (%llu M/s)%s",
			      h->vms[i]->name, mips_host_state_name(h, vm), (unsigned long long)mips_vm_icount(vm),
			      mips_vm_page_count(vm), mips_vm_engine(vm) == MIPS_ENGINE_JIT ? "translated" : "interpreted",
			      (unsigned long long)us, (unsigned long long)(us ? mips_vm_icount(vm) / us : 0),
			      mips_host_sending(h, vm) ? ", migrating" : "");
	}
}

void mips_host_dump(struct mips_host *h, const char *name)
{
	struct mips_vm *vm = mips_host_find(h, name);

	if (vm) {
		mips_vm_dump_state(vm);
		mips_host_end_line(h, vm);
	}
}

void mips_host_kill(struct mips_host *h, const char *name)
{
	struct mips_vm *vm = mips_host_find(h, name);

	if (!vm)
		return;
	if (!mips_host_live(h, vm)) {
		mips_host_msg(h, "kill: '%s' is not running (%s)", name, mips_host_state_name(h, vm));
		return;
	}
	mips_host_mig_cancel(h, vm);
	rec_of(h, vm)->killed = true;
	mips_vm_release(vm);	/* its pages and text go back now, not when the record is reused */
	mips_host_msg(h, "kill: '%s' stopped after %llu instructions", name, (unsigned long long)mips_vm_icount(vm));
}

void mips_host_migrate(struct mips_host *h, const char *name, const char *target)
{
	struct mips_vm *vm = mips_host_find(h, name);

	if (!vm)
		return;
	if (!mips_host_runnable(h, vm)) {
		mips_host_msg(h, "migrate: '%s' is not running (%s)", name, mips_host_state_name(h, vm));
		return;
	}
	port_migrate(h, vm, target);
}
