/* mipsvms.c: the bare-metal port of mips/ (heap, serial console, FAT disk) under the portable MIPS
 * host (mips/host.c), which keeps the table of VMs the main loop runs round-robin. */
#include <string.h>

#include "kernel/arch/panic.h"
#include "kernel/arch/tsc.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/dev/disk.h"
#include "kernel/mips/jitmem.h"
#include "kernel/mips/migrate.h"
#include "kernel/mips/mipsvms.h"
#include "kernel/mm/mm.h"
#include "kernel/options.h"
#include "mips/host.h"

#define WORD_MAX 64

static struct mips_host *host;

/* The host hands us whole lines ("[name] ..." and messages) and assembler diagnostics. */
static void port_write(void *ud, struct mips_vm *vm, enum mips_stream stream, const char *s, size_t n)
{
	(void)ud, (void)vm, (void)stream;
	console_write(s, n);
}

static void port_begin_line(void *ud)
{
	(void)ud;
	console_begin_line();
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

static struct mips_port base_port = {
	.ud = NULL,
	.alloc = port_alloc,
	.write = port_write,
	.input = port_input,
	.clock_ns = port_clock,
	.storage_write = port_storage_write,
	.storage_read = port_storage_read,
};

/* slice= (read once: a bad value is warned about once, not per VM). */
static uint64_t default_slice(void)
{
	static uint64_t slice;
	if (!slice && !(slice = option_get_u64("slice", MIPSVMS_DEFAULT_SLICE))) {
		log_warn("command line: slice=0 is not a positive number; using %u\n", MIPSVMS_DEFAULT_SLICE);
		slice = MIPSVMS_DEFAULT_SLICE;
	}
	return slice;
}

/*
 * mips_engine= and mips_jit_cache= (read once): MIPS VMs, from modules and received ones, are
 * translated unless the engine is interp; each has a code cache of that many KiB (default 256),
 * emptied when full.
 */
_Static_assert(MIPS_ENGINE_INTERP == 0 && MIPS_ENGINE_JIT == 1, "MIPS_ENGINE_VALUES (options.h) index enum mips_engine");

static void engine_setup(void)
{
	int engine = option_choice("mips_engine");
	uint64_t kib = option_get_u64("mips_jit_cache", MIPSVMS_DEFAULT_JIT_CACHE_KIB);
	if (kib < 64 || kib > 65536) {
		log_warn("command line: mips_jit_cache=%llu is not 64 to 65536 KiB; using %u\n",
			 (unsigned long long)kib, MIPSVMS_DEFAULT_JIT_CACHE_KIB);
		kib = MIPSVMS_DEFAULT_JIT_CACHE_KIB;
	}
	if (engine == MIPS_ENGINE_INTERP || !MIPS_PORT_JIT) {
		kprintf("mips: VMs are interpreted\n");
		return;
	}
	base_port.exec = jitmem_get(kib << 10);
	kprintf("mips: VMs are translated to x86-64 (a %llu KiB code cache each, W^X)\n", (unsigned long long)kib);
}

struct mips_host *mipsvms_host(void)
{
	if (!host) {
		engine_setup();
		struct mips_host_config cfg = {
			.lines = MIPS_HOST_BRACKETS,
			.slice = default_slice(),
			.report_ends = true,
			.resume_slice = true,
			.begin_line = port_begin_line,
		};
		if (!(host = mips_host_new(&base_port, migrate_net(), &cfg)))
			panic("mipsvms_host: out of memory");
	}
	return host;
}

/* Loads the VM from its program, or from snapshot_file; false (with a message) if it cannot. */
static bool load(struct mips_vm *vm, const char *name, const struct mips_program *prog, const char *snapshot_file)
{
	char err[DISK_ERR_MAX], msg[MIPS_MSG_MAX];
	void *data;
	size_t dlen;
	bool ok = false;

	if (!snapshot_file)
		return mips_vm_load(vm, prog);
	if (disk_read(snapshot_file, &data, &dlen, err) < 0)
		kprintf("mips: '%s' not started: %s\n", name, err);
	else if (!(ok = mips_snapshot_load(vm, data, dlen, prog, msg)))
		kprintf("mips: '%s' not started: %s: %s\n", name, snapshot_file, msg);
	kfree(data);
	return ok;
}

/* Assembles src and starts a VM from it, or from snapshot_file when given. Returns 0 or -1. */
static int start_vm(const char *name, const char *file, const char *src, size_t len, uint64_t slice,
		    const char *snapshot_file, enum mips_exceptions exceptions, int engine)
{
	struct mips_host *h = mipsvms_host();
	struct mips_program prog;
	if (!mips_host_name_free(h, "mips", name))
		return -1;
	int errors = mips_assemble(mips_host_port(h), file, src, len, &prog);
	if (errors) {
		kprintf("mips: '%s' not started: %d assembly error%s in %s\n", name, errors, errors == 1 ? "" : "s", file);
		return -1;
	}
	struct mips_vm *vm = mips_host_new_vm(h, name, MIPS_DEFAULT_MEM_LIMIT, slice);
	if (vm)
		mips_vm_set_exceptions(vm, exceptions);
	if (vm && engine >= 0 && !mips_vm_set_engine(vm, (enum mips_engine)engine))
		kprintf("mips: '%s': engine=jit: the translator is off (mips_engine=interp); it is interpreted\n", name);
	bool ok = vm && load(vm, name, &prog, snapshot_file);
	mips_program_free(mips_host_port(h), &prog);
	if (!ok) {
		if (vm)
			mips_host_drop(h, vm);
		return -1;
	}
	kprintf("mips: started '%s' from %s%s%s, slice %llu\n", name, file, snapshot_file ? " at snapshot " : "",
		snapshot_file ? snapshot_file : "", (unsigned long long)slice);
	return 0;
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
	char exc[WORD_MAX];
	enum mips_exceptions e = MIPS_EXCEPTIONS_SPIM;
	if (kv_find(m->cmdline, "exceptions", exc, sizeof(exc))) {
		if (strcmp(exc, "spim") && strcmp(exc, "stop")) {
			kprintf("mips: module %zu: exceptions=%s is not spim or stop\n", index, exc);
			return;
		}
		e = exc[1] == 't' ? MIPS_EXCEPTIONS_STOP : MIPS_EXCEPTIONS_SPIM;
	}
	char eng[WORD_MAX];
	int engine = -1;	/* mips_engine='s */
	if (kv_find(m->cmdline, "engine", eng, sizeof(eng))) {
		if (strcmp(eng, "jit") && strcmp(eng, "interp")) {
			kprintf("mips: module %zu: engine=%s is not jit or interp\n", index, eng);
			return;
		}
		engine = eng[0] == 'j' ? MIPS_ENGINE_JIT : MIPS_ENGINE_INTERP;
	}
	const char *s = kv_find(m->cmdline, "snapshot", snap, sizeof(snap));
	char label[WORD_MAX];
	ksnprintf(label, sizeof(label), "module %zu", index); /* what errors name when the module has no name= */
	if (!n)
		kprintf("mips: module %zu has no name=: its VM is called '%s'\n", index, fallback);
	start_vm(n ? n : fallback, n ? n : label, (const char *)(uintptr_t)m->start, m->end - m->start, slice, s, e, engine);
}

void mipsvms_start_modules(void)
{
	for (size_t i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		if (kv_has_word(m->cmdline, "mips"))
			start_module(i, m);
	}
}

size_t mipsvms_round(void) { return mips_host_round(mipsvms_host()); }
size_t mipsvms_live(void) { return mips_host_live_count(mipsvms_host()); }
void mipsvms_list(void) { mips_host_list(mipsvms_host()); }
void mipsvms_dump(const char *name) { mips_host_dump(mipsvms_host(), name); }
void mipsvms_kill(const char *name) { mips_host_kill(mipsvms_host(), name); }
void mipsvms_migrate(const char *name, const char *target) { mips_host_migrate(mipsvms_host(), name, target); }

void mipsvms_snapshot(const char *name, const char *file)
{
	struct mips_vm *vm = mips_host_find(mipsvms_host(), name);
	void *buf;
	size_t len;
	char err[DISK_ERR_MAX];
	if (!vm)
		return;
	if (!strcmp(mips_host_state_name(mipsvms_host(), vm), "killed")) {
		kprintf("snapshot: '%s' was killed: its memory is gone\n", name);
		return;
	}
	if (mips_vm_state(vm) == MIPS_VM_PAUSED) {
		kprintf("snapshot: '%s' is paused while its last pages migrate; try again in a moment\n", name);
		return;
	}
	if (!mips_snapshot_to_buffer(vm, &buf, &len)) {
		kprintf("snapshot: out of memory serialising '%s'\n", name);
		return;
	}
	if (disk_write(file, buf, len, err) < 0)
		kprintf("snapshot: %s\n", err);
	else
		kprintf("snapshot: '%s' saved to %s (%zu bytes)\n", name, file, len);
	kfree(buf);
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
	start_vm(name, source_file, src ? src : "", len, default_slice(), snapshot_file, MIPS_EXCEPTIONS_SPIM, -1);
	kfree(src);
}
