/* mipsvms.c: the bare-metal port of mips/ (heap, serial console, FAT disk) and the table of MIPS VMs
 * that the main loop runs round-robin. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/dev/disk.h"
#include "kernel/mips/migrate.h"
#include "kernel/mips/mipsvms.h"
#include "kernel/mm/mm.h"
#include "kernel/options.h"
#include "mips/mips.h"

#define MAX_VMS 16
#define LINE_MAX 256
#define WORD_MAX 64

struct kvm {
	struct mips_vm *vm;
	struct mips_program prog;
	char name[MIPS_NAME_MAX];
	uint64_t slice;
	bool killed, reported;
	char line[LINE_MAX]; /* output not yet ended by a newline */
	size_t line_len;
};

static struct kvm vms[MAX_VMS];
static size_t nvms;

static struct kvm *find_by_vm(const struct mips_vm *vm)
{
	for (size_t i = 0; i < nvms; i++)
		if (vms[i].vm == vm)
			return &vms[i];
	return NULL;
}

static struct kvm *find_by_name(const char *name)
{
	for (size_t i = 0; i < nvms; i++)
		if (!strcmp(vms[i].name, name))
			return &vms[i];
	kprintf("no MIPS VM named '%s' (try 'vms')\n", name);
	return NULL;
}

static void flush_line(struct kvm *k)
{
	console_begin_line();
	kprintf("[%s] %.*s\n", k->name, (int)k->line_len, k->line);
	k->line_len = 0;
}

/* Output of a VM is printed line by line, each line prefixed with the VM's name. */
static void port_write(void *ud, struct mips_vm *vm, enum mips_stream stream, const char *s, size_t n)
{
	(void)ud;
	struct kvm *k = vm ? find_by_vm(vm) : NULL;
	if (!k) {
		console_write(s, n); /* assembler diagnostics carry their own file:line: prefix */
		return;
	}
	(void)stream;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || k->line_len == LINE_MAX)
			flush_line(k);
		if (s[i] != '\n')
			k->line[k->line_len++] = s[i];
	}
}

static void *port_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud, (void)osize;
	if (nsize == 0) {
		kfree(ptr);
		return NULL;
	}
	return krealloc(ptr, nsize);
}

/* The serial line belongs to the shell: guest reads see end of input. */
static long port_input(void *ud, struct mips_vm *vm, char *buf, size_t cap)
{
	(void)ud, (void)vm, (void)buf, (void)cap;
	return MIPS_INPUT_EOF;
}

static uint64_t port_clock(void *ud)
{
	(void)ud;
	return time_ns();
}

static int port_storage_write(void *ud, const char *name, const void *buf, size_t len)
{
	(void)ud;
	char err[DISK_ERR_MAX];
	uint64_t start = time_ns();
	if (disk_write(name, buf, len, err) < 0) {
		kprintf("disk: %s\n", err);
		return -1;
	}
	uint64_t us = (time_ns() - start) / 1000;
	log_info("disk: wrote %s: %zu bytes in %llu us (%llu KB/s)\n", name, len, (unsigned long long)us,
		 (unsigned long long)(us ? len * 1000 / us : 0));
	return 0;
}

static long port_storage_read(void *ud, const char *name, void *buf, size_t cap)
{
	(void)ud;
	char err[DISK_ERR_MAX];
	void *data;
	size_t len;
	if (disk_read(name, &data, &len, err) < 0) {
		kprintf("disk: %s\n", err);
		return -1;
	}
	memcpy(buf, data, len < cap ? len : cap);
	kfree(data);
	return (long)len;
}

static void port_migrate(void *ud, struct mips_vm *vm, const char *target)
{
	(void)ud;
	struct kvm *k = find_by_vm(vm);
	if (k && k->line_len)
		flush_line(k); /* what it printed so far stays with this console */
	migrate_start(vm, target);
}

static const struct mips_port port = {
	.ud = NULL,
	.alloc = port_alloc,
	.write = port_write,
	.input = port_input,
	.clock_ns = port_clock,
	.storage_write = port_storage_write,
	.storage_read = port_storage_read,
	.migrate = port_migrate,
};

/* Assembles src and starts a VM from it, or from snapshot_file when given. Returns 0 or -1. */
static int start_vm(const char *name, const char *file, const char *src, size_t len, uint64_t slice,
		    const char *snapshot_file)
{
	if (nvms == MAX_VMS) {
		kprintf("mips: cannot start '%s': at most %d VMs\n", name, MAX_VMS);
		return -1;
	}
	for (size_t i = 0; i < nvms; i++)
		if (!strcmp(vms[i].name, name)) {
			kprintf("mips: cannot start '%s': a VM with that name exists\n", name);
			return -1;
		}
	struct kvm *k = &vms[nvms];
	memset(k, 0, sizeof(*k));
	int errors = mips_assemble(&port, file, src, len, &k->prog);
	if (errors) {
		kprintf("mips: '%s' not started: %d assembly error%s in %s\n", name, errors, errors == 1 ? "" : "s", file);
		return -1;
	}
	strlcpy(k->name, name, sizeof(k->name));
	k->slice = slice;
	k->vm = mips_vm_new(&port, k->name, MIPS_DEFAULT_MEM_LIMIT);
	nvms++; /* from here on the VM's output finds its entry */
	bool ok = k->vm != NULL;
	if (ok && snapshot_file) {
		ok = false;
		char err[DISK_ERR_MAX], msg[MIPS_MSG_MAX];
		void *data;
		size_t dlen;
		if (disk_read(snapshot_file, &data, &dlen, err) < 0)
			kprintf("mips: '%s' not started: %s\n", name, err);
		else if (!(ok = mips_snapshot_load(k->vm, data, dlen, &k->prog, msg)))
			kprintf("mips: '%s' not started: %s: %s\n", name, snapshot_file, msg);
		kfree(data);
	} else if (ok) {
		ok = mips_vm_load(k->vm, &k->prog);
	}
	if (!ok) {
		if (k->vm)
			mips_vm_free(k->vm);
		mips_program_free(&port, &k->prog);
		nvms--;
		return -1;
	}
	kprintf("mips: started '%s' from %s%s%s, slice %llu\n", name, file, snapshot_file ? " at snapshot " : "",
		snapshot_file ? snapshot_file : "", (unsigned long long)slice);
	return 0;
}

static uint64_t default_slice(void)
{
	return option_get_u64("slice", MIPSVMS_DEFAULT_SLICE);
}

static void start_module(size_t index, const struct boot_module *m)
{
	char name[MIPS_NAME_MAX], slice_s[WORD_MAX], snap[WORD_MAX], fallback[MIPS_NAME_MAX];
	ksnprintf(fallback, sizeof(fallback), "mips%zu", index);
	const char *n = kv_find(m->cmdline, "name", name, sizeof(name));
	uint64_t slice = default_slice();
	if (kv_find(m->cmdline, "slice", slice_s, sizeof(slice_s)) && (parse_size(slice_s, &slice) < 0 || !slice)) {
		kprintf("mips: module %zu: slice=%s is not a positive number\n", index, slice_s);
		return;
	}
	const char *s = kv_find(m->cmdline, "snapshot", snap, sizeof(snap));
	start_vm(n ? n : fallback, n ? n : fallback, (const char *)(uintptr_t)m->start, m->end - m->start, slice, s);
}

void mipsvms_start_modules(void)
{
	for (size_t i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		if (kv_has_word(m->cmdline, "mips"))
			start_module(i, m);
	}
}

static bool runnable(const struct kvm *k)
{
	if (k->killed || !k->vm)
		return false;
	enum mips_vm_state st = mips_vm_state(k->vm);
	return st == MIPS_VM_RUNNING || st == MIPS_VM_BLOCKED;
}

/* Not ended: runnable, or paused while its last pages go (it may yet run on here). */
static bool live(const struct kvm *k)
{
	return runnable(k) || (!k->killed && k->vm && mips_vm_state(k->vm) == MIPS_VM_PAUSED);
}

static const char *state_name(const struct kvm *k)
{
	if (k->killed)
		return "killed";
	switch (mips_vm_state(k->vm)) {
	case MIPS_VM_RUNNING: return "running";
	case MIPS_VM_BLOCKED: return "blocked";
	case MIPS_VM_EXITED: return "exited";
	case MIPS_VM_FAULTED: return "faulted";
	case MIPS_VM_MIGRATED: return "migrated";
	case MIPS_VM_PAUSED: return "paused";
	}
	return "unknown";
}

static void report_end(struct kvm *k)
{
	if (k->line_len)
		flush_line(k);
	k->reported = true;
	console_begin_line();
	kprintf("mips: '%s' %s after %llu instructions\n", k->name, state_name(k),
		(unsigned long long)mips_vm_icount(k->vm));
}

size_t mipsvms_round(void)
{
	size_t can_run = 0;
	for (size_t i = 0; i < nvms; i++) {
		struct kvm *k = &vms[i];
		if (runnable(k))
			mips_vm_run(k->vm, k->slice);
		if (runnable(k))
			can_run++;
		else if (!live(k) && !k->reported && !k->killed)
			report_end(k);
	}
	return can_run;
}

size_t mipsvms_live(void)
{
	size_t n = 0;
	for (size_t i = 0; i < nvms; i++)
		n += live(&vms[i]);
	return n;
}

void mipsvms_list(void)
{
	if (!nvms)
		kprintf("  no MIPS VMs\n");
	for (size_t i = 0; i < nvms; i++)
		kprintf("  mips  %-16s %-9s %llu instructions, %zu pages%s\n", vms[i].name, state_name(&vms[i]),
			(unsigned long long)mips_vm_icount(vms[i].vm), mips_vm_page_count(vms[i].vm),
			migrate_sending(vms[i].vm) ? ", migrating" : "");
}

void mipsvms_dump(const char *name)
{
	struct kvm *k = find_by_name(name);
	if (k)
		mips_vm_dump_state(k->vm);
	if (k && k->line_len)
		flush_line(k);
}

void mipsvms_snapshot(const char *name, const char *file)
{
	struct kvm *k = find_by_name(name);
	void *buf;
	size_t len;
	char err[DISK_ERR_MAX];
	if (!k)
		return;
	if (mips_vm_state(k->vm) == MIPS_VM_PAUSED) {
		kprintf("snapshot: '%s' is paused while its last pages migrate; try again in a moment\n", name);
		return;
	}
	if (!mips_snapshot_to_buffer(k->vm, &buf, &len)) {
		kprintf("snapshot: out of memory serialising '%s'\n", name);
		return;
	}
	if (disk_write(file, buf, len, err) < 0)
		kprintf("snapshot: %s\n", err);
	else
		kprintf("snapshot: '%s' saved to %s (%zu bytes)\n", name, file, len);
	port.alloc(port.ud, buf, len, 0);
}

void mipsvms_kill(const char *name)
{
	struct kvm *k = find_by_name(name);
	if (!k)
		return;
	if (!live(k)) {
		kprintf("kill: '%s' is not running (%s)\n", name, state_name(k));
		return;
	}
	migrate_cancel(k->vm);
	k->killed = true;
	kprintf("kill: '%s' stopped after %llu instructions\n", name, (unsigned long long)mips_vm_icount(k->vm));
}

void mipsvms_run_file(const char *source_file, const char *snapshot_file)
{
	char err[DISK_ERR_MAX], name[MIPS_NAME_MAX];
	void *src;
	size_t len;
	if (disk_read(source_file, &src, &len, err) < 0) {
		kprintf("run: %s\n", err);
		return;
	}
	const char *slash = strrchr(source_file, '/');
	strlcpy(name, slash ? slash + 1 : source_file, sizeof(name));
	char *dot = strrchr(name, '.');
	if (dot && dot != name)
		*dot = 0;
	start_vm(name, source_file, src ? src : "", len, default_slice(), snapshot_file);
	kfree(src);
}

void mipsvms_migrate(const char *name, const char *target)
{
	struct kvm *k = find_by_name(name);
	if (!k)
		return;
	if (!runnable(k)) {
		kprintf("migrate: '%s' is not running (%s)\n", name, state_name(k));
		return;
	}
	port_migrate(NULL, k->vm, target);
}

/* A slot for a VM called name: a fresh one, or one whose VM has ended (its record goes). */
static struct kvm *free_slot(const char *name)
{
	for (size_t i = 0; i < nvms; i++)
		if (!strcmp(vms[i].name, name) && !live(&vms[i]))
			return &vms[i];
	if (nvms < MAX_VMS)
		return &vms[nvms++];
	for (size_t i = 0; i < nvms; i++)
		if (!live(&vms[i]))
			return &vms[i];
	return NULL;
}

bool mipsvms_adopt(struct mips_vm *vm, const char *from)
{
	char name[MIPS_NAME_MAX];
	strlcpy(name, mips_vm_name(vm), sizeof(name));
	for (int n = 2; n < 100; n++) { /* a live VM has the name: "fib-2", "fib-3"... */
		size_t i = 0;
		while (i < nvms && (strcmp(vms[i].name, name) || !live(&vms[i])))
			i++;
		if (i == nvms)
			break;
		ksnprintf(name, sizeof(name), "%.*s-%d", MIPS_NAME_MAX - 5, mips_vm_name(vm), n);
	}
	struct kvm *k = free_slot(name);
	if (!k) {
		kprintf("mips: '%s' from %s not resumed: %d VMs are live\n", name, from, MAX_VMS);
		mips_vm_free(vm);
		return false;
	}
	if (k->vm)
		mips_vm_free(k->vm);
	mips_program_free(&port, &k->prog);
	memset(k, 0, sizeof(*k));
	strlcpy(k->name, name, sizeof(k->name));
	k->vm = vm;
	k->slice = default_slice();
	kprintf("mips: resumed '%s' (from %s) at pc 0x%08x after %llu instructions, slice %llu\n", name, from,
		mips_vm_pc(vm), (unsigned long long)mips_vm_icount(vm), (unsigned long long)k->slice);
	return true;
}

const struct mips_port *mipsvms_port(void)
{
	return &port;
}
