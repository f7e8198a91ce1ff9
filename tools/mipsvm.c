/* mipsvm.c: the Linux command that assembles and runs MIPS VMs with the same mips/ engine as Tally. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/mipsvm.h"

#define EXIT_BAD_INPUT	2
#define EXIT_FAULT	1

struct vm_spec {
	const char *source;	/* .s file, or NULL */
	const char *snapshot;	/* resume from this snapshot, or NULL */
};

struct options {
	struct vm_spec specs[MIPSVM_MAX_VMS];
	int nspecs;
	uint64_t slice;
	uint32_t mem_limit;
	uint64_t listen_mem;	/* --listen-mem: all received VMs and incoming transfers together */
	uint64_t listen_max;	/* --listen-max: incoming transfers at once */
	uint64_t snapshot_at;
	const char *snapshot_at_file;
	const char *emit_text;
	bool stats;
	enum mips_exceptions exceptions;	/* --exceptions spim|stop */
	bool interp;		/* --engine interp */
	uint64_t jit_cache;	/* --jit-cache KIB, in bytes (0: the library's default) */
	const char *listen;	/* --listen [ADDR:]PORT, or NULL */
	const char *snapshot_dir;	/* where SNAPSHOT names resolve (default ".") */
	bool once;
	char key[MIPS_MIG_KEY_MAX + 1];
	size_t keylen;
	char *owned[MIPSVM_MAX_VMS];	/* vm_binary paths copied from config files */
	int nowned;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mipsvm [options] -v prog.s [-s snap] [-v prog2.s [-s snap2]] ...\n"
		"       mipsvm [options] -s snap          resume a snapshot without its source\n"
		"  -v FILE          add a VM running the MIPS32 assembly program FILE\n"
		"  -s SNAP          start the VM of the preceding -v from snapshot SNAP (its program must match);\n"
		"                   without a preceding -v, add a VM resumed from SNAP alone\n"
		"  -c CONFIG        read config_parameter=value lines: vm_exec_slice_in_instructions=N,\n"
		"                   vm_binary=PATH (repeatable, adds a VM); '#' starts a comment\n"
		"  --slice N        instructions per VM turn (vm_exec_slice_in_instructions, default 10000)\n"
		"  --mem MIB        memory limit per VM in MiB (default 64)\n"
		"  --exceptions spim|stop  a guest exception is reported and skipped as SPIM's handler does\n"
		"                   (default), or stops its VM with a fault report\n"
		"  --snapshot-at N FILE  run one VM for N instructions, save its snapshot to FILE and stop\n"
		"  --emit-text FILE assemble one program and write its text words (little-endian) to FILE\n"
		"  --snapshot-dir DIR  SNAPSHOT names (from programs, also ones received over the network) are\n"
		"                   files under DIR (default .); absolute paths, '..' and symbolic links are refused\n"
		"  --engine jit|interp  run guests translated to x86-64 (the default where the host is x86-64)\n"
		"                   or interpreted; without the option, the environment's MIPSVM_ENGINE says\n"
		"  --jit-cache KIB  code cache per VM for the translator (default 1024); when full it is emptied\n"
		"  --stats          print instructions, seconds and million instructions/s per VM to stderr\n"
		"  --listen [ADDR:]PORT  receive VMs live-migrated to ADDR:PORT (ADDR default 0.0.0.0; port 0\n"
		"                   picks a free one) and run them; \"mipsvm: listening on ADDR:PORT\" goes to stderr.\n"
		"                   Without -v/-s mipsvm only serves; without --once it serves forever\n"
		"  --listen-mem MIB the most memory all received VMs and incoming transfers may hold together,\n"
		"                   each counted at its limit (default 256, or --mem if larger); a VM that does not fit is refused\n"
		"  --listen-max N   incoming transfers at once (default 8); at the bound a sender not yet\n"
		"                   authenticated is evicted, else the new one is answered \"busy\"\n"
		"  --once           with --listen: stop listening once a VM was received; exit when all VMs end\n"
		"  --migrate-key KEY     HMAC-SHA256 key both ends of a migration share (Tally's migrate_key=);\n"
		"                   without one, neither end may have one\n"
		"  --migrate-key-file FILE  the key from FILE's first line (keeps it out of ps)\n"
		"  --help           this text\n"
		"MIGRATE host[:port] in a program (default port %u) moves its VM to a mipsvm --listen or a Tally\n"
		"host; the VM runs on while its pages go, and on failure it continues here. --mem is also the\n"
		"memory limit of each incoming VM. With several VMs, or when listening, each output line is\n"
		"prefixed by the VM's name (received ones renamed name-2, name-3... when a live VM has the name).\n"
		"Exit status: 0 when every VM exited or migrated away (a single VM's exit2 code otherwise), 1\n"
		"when a VM faulted, 2 on bad input.\n", MIPS_MIG_DEFAULT_PORT);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return false;
	*v = x;
	return true;
}

static bool add_spec(struct options *o, const char *source, const char *snapshot)
{
	if (o->nspecs == MIPSVM_MAX_VMS) {
		fprintf(stderr, "mipsvm: at most %d VMs\n", MIPSVM_MAX_VMS);
		return false;
	}
	o->specs[o->nspecs++] = (struct vm_spec){ source, snapshot };
	return true;
}

static const char *read_error(int e, size_t max)
{
	static char text[64];

	if (e != EFBIG)
		return strerror(e);
	snprintf(text, sizeof text, "longer than %zu bytes", max);
	return text;
}

/* "key=value" lines; every bad line is reported with its number. */
static bool read_config(struct options *o, const char *path)
{
	size_t len;
	char *text = mipsvm_read_file(path, MIPSVM_SOURCE_MAX, &len);
	bool ok = true;
	int lineno = 0;

	if (!text) {
		fprintf(stderr, "mipsvm: %s: %s\n", path, read_error(errno, MIPSVM_SOURCE_MAX));
		return false;
	}
	for (char *line = text, *next; line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = line + strspn(line, " \t\r");
		s[strcspn(s, "\r")] = 0;
		while (*s && strchr(" \t", s[strlen(s) - 1]))
			s[strlen(s) - 1] = 0;
		if (!*s)
			continue;
		char *eq = strchr(s, '='), *value = "";
		uint64_t v;
		if (eq) { /* config_parameter = value: blanks around '=' are layout, not part of either */
			char *key_end = eq;
			while (key_end > s && strchr(" \t", key_end[-1]))
				key_end--;
			*key_end = 0;
			value = eq + 1 + strspn(eq + 1, " \t");
		}
		if (!eq || !*s || !*value) {
			fprintf(stderr, "%s:%d: error: expected config_parameter=value\n", path, lineno);
			ok = false;
		} else if (!strcmp(s, "vm_exec_slice_in_instructions")) {
			if (!parse_u64(value, &v) || v == 0) {
				fprintf(stderr, "%s:%d: error: vm_exec_slice_in_instructions needs a positive integer\n",
					path, lineno);
				ok = false;
			} else {
				o->slice = v;
			}
		} else if (!strcmp(s, "vm_binary")) {
			if (access(value, R_OK) < 0) {
				fprintf(stderr, "%s:%d: error: vm_binary %s: %s\n", path, lineno, value, strerror(errno));
				ok = false;
			} else if (o->nowned == MIPSVM_MAX_VMS || !add_spec(o, o->owned[o->nowned++] = strdup(value), NULL)) {
				ok = false;
			}
		} else {
			fprintf(stderr, "%s:%d: error: unknown config_parameter '%s'\n", path, lineno, s);
			ok = false;
		}
	}
	free(text);
	return ok;
}

/* --migrate-key or the first line of --migrate-key-file: not empty, at most MIPS_MIG_KEY_MAX bytes. */
static bool set_key(struct options *o, const char *opt, const char *key, size_t len)
{
	if (!len || len > MIPS_MIG_KEY_MAX) {
		fprintf(stderr, "mipsvm: %s: the key must have 1 to %d bytes (it has %zu)\n", opt, MIPS_MIG_KEY_MAX, len);
		return false;
	}
	memcpy(o->key, key, len);
	o->keylen = len;
	return true;
}

static bool read_key_file(struct options *o, const char *path)
{
	size_t len;
	char *text = mipsvm_read_file(path, 4096, &len);

	if (!text) {
		fprintf(stderr, "mipsvm: %s: %s\n", path, read_error(errno, 4096));
		return false;
	}
	bool ok = set_key(o, "--migrate-key-file", text, strcspn(text, "\r\n"));
	memset(text, 0, len);
	free(text);
	return ok;
}

static bool parse_engine(struct options *o, const char *e, const char *from)
{
	if (strcmp(e, "jit") && strcmp(e, "interp")) {
		fprintf(stderr, "mipsvm: %s: expected jit or interp, not '%s'\n", from, e);
		return false;
	}
	o->interp = e[0] == 'i' || !MIPS_PORT_JIT;
	return true;
}

/* Returns 0 to go on, or an exit status. */
static int parse_args(struct options *o, int argc, char **argv)
{
	bool last_was_v = false;
	const char *env = getenv("MIPSVM_ENGINE");

	if (env && *env && !parse_engine(o, env, "MIPSVM_ENGINE"))
		return EXIT_BAD_INPUT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool needs1 = !strcmp(a, "-v") || !strcmp(a, "-s") || !strcmp(a, "-c") || !strcmp(a, "--slice") ||
			      !strcmp(a, "--mem") || !strcmp(a, "--emit-text") || !strcmp(a, "--listen") ||
			      !strcmp(a, "--migrate-key") || !strcmp(a, "--migrate-key-file") ||
			      !strcmp(a, "--snapshot-dir") || !strcmp(a, "--listen-mem") || !strcmp(a, "--listen-max") ||
			      !strcmp(a, "--exceptions") || !strcmp(a, "--engine") || !strcmp(a, "--jit-cache");
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return -1;
		}
		if ((needs1 && i + 1 >= argc) || (!strcmp(a, "--snapshot-at") && i + 2 >= argc)) {
			fprintf(stderr, "mipsvm: %s needs an argument\n", a);
			return EXIT_BAD_INPUT;
		}
		uint64_t v;
		bool was_v = last_was_v;
		last_was_v = false;
		if (!strcmp(a, "-v")) {
			if (!add_spec(o, argv[++i], NULL))
				return EXIT_BAD_INPUT;
			last_was_v = true;
		} else if (!strcmp(a, "-s")) {
			if (was_v)
				o->specs[o->nspecs - 1].snapshot = argv[++i];
			else if (!add_spec(o, NULL, argv[++i]))
				return EXIT_BAD_INPUT;
		} else if (!strcmp(a, "-c")) {
			if (!read_config(o, argv[++i]))
				return EXIT_BAD_INPUT;
		} else if (!strcmp(a, "--slice") || !strcmp(a, "--mem")) {
			if (!parse_u64(argv[i + 1], &v) || v == 0 || (a[2] == 'm' && v > 4095)) {
				fprintf(stderr, "mipsvm: %s: bad number '%s'\n", a, argv[i + 1]);
				return EXIT_BAD_INPUT;
			}
			if (a[2] == 's')
				o->slice = v;
			else
				o->mem_limit = (uint32_t)(v << 20);
			i++;
		} else if (!strcmp(a, "--exceptions")) {
			const char *e = argv[++i];
			if (strcmp(e, "spim") && strcmp(e, "stop")) {
				fprintf(stderr, "mipsvm: --exceptions: expected spim or stop, not '%s'\n", e);
				return EXIT_BAD_INPUT;
			}
			o->exceptions = e[1] == 't' ? MIPS_EXCEPTIONS_STOP : MIPS_EXCEPTIONS_SPIM;
		} else if (!strcmp(a, "--engine")) {
			if (!parse_engine(o, argv[++i], "--engine"))
				return EXIT_BAD_INPUT;
		} else if (!strcmp(a, "--jit-cache")) {
			if (!parse_u64(argv[i + 1], &v) || v < 64 || v > (1u << 20)) {
				fprintf(stderr, "mipsvm: --jit-cache: expected 64 to 1048576 KiB, not '%s'\n", argv[i + 1]);
				return EXIT_BAD_INPUT;
			}
			o->jit_cache = v << 10;
			i++;
		} else if (!strcmp(a, "--snapshot-at")) {
			if (!parse_u64(argv[i + 1], &o->snapshot_at)) {
				fprintf(stderr, "mipsvm: --snapshot-at: bad number '%s'\n", argv[i + 1]);
				return EXIT_BAD_INPUT;
			}
			o->snapshot_at_file = argv[i + 2];
			i += 2;
		} else if (!strcmp(a, "--emit-text")) {
			o->emit_text = argv[++i];
		} else if (!strcmp(a, "--stats")) {
			o->stats = true;
		} else if (!strcmp(a, "--listen")) {
			o->listen = argv[++i];
		} else if (!strcmp(a, "--listen-mem") || !strcmp(a, "--listen-max")) {
			if (!parse_u64(argv[i + 1], &v) || v == 0 || v > 1000000) {
				fprintf(stderr, "mipsvm: %s: bad number '%s'\n", a, argv[i + 1]);
				return EXIT_BAD_INPUT;
			}
			if (!strcmp(a, "--listen-mem"))
				o->listen_mem = v << 20;
			else
				o->listen_max = v;
			i++;
		} else if (!strcmp(a, "--snapshot-dir")) {
			o->snapshot_dir = argv[++i];
		} else if (!strcmp(a, "--once")) {
			o->once = true;
		} else if (!strcmp(a, "--migrate-key")) {
			if (!set_key(o, a, argv[i + 1], strlen(argv[i + 1])))
				return EXIT_BAD_INPUT;
			i++;
		} else if (!strcmp(a, "--migrate-key-file")) {
			if (!read_key_file(o, argv[++i]))
				return EXIT_BAD_INPUT;
		} else {
			fprintf(stderr, "mipsvm: unknown option '%s' (try --help)\n", a);
			return EXIT_BAD_INPUT;
		}
	}
	if (!o->nspecs && !o->listen) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if ((o->snapshot_at_file || o->emit_text) && (o->nspecs != 1 || o->listen)) {
		fprintf(stderr, "mipsvm: --snapshot-at and --emit-text take exactly one VM and no --listen\n");
		return EXIT_BAD_INPUT;
	}
	if (o->once && !o->listen) {
		fprintf(stderr, "mipsvm: --once needs --listen\n");
		return EXIT_BAD_INPUT;
	}
	return 0;
}

/* "dir/prog.s" -> "prog". */
static void vm_name(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(out, cap, "%s", base);
	char *dot = strrchr(out, '.');
	if (dot && dot != out)
		*dot = 0;
}

static bool assemble_file(const struct mips_port *port, const char *path, struct mips_program *prog)
{
	size_t len;
	char *src = mipsvm_read_file(path, MIPSVM_SOURCE_MAX, &len);

	if (!src) {
		fprintf(stderr, "mipsvm: %s: %s\n", path, read_error(errno, MIPSVM_SOURCE_MAX));
		return false;
	}
	int errors = mips_assemble(port, path, src, len, prog);
	free(src);
	if (errors)
		fprintf(stderr, "mipsvm: %s: %d error(s)\n", path, errors);
	return errors == 0;
}

static bool load_snapshot(struct mips_vm *vm, const char *path, const struct mips_program *prog, uint32_t mem)
{
	size_t len, max = MIPSVM_SNAPSHOT_MAX(mem);
	char *buf = mipsvm_read_file(path, max, &len);
	char msg[MIPS_MSG_MAX];

	if (!buf && errno == EFBIG) {
		fprintf(stderr, "mipsvm: %s: snapshot: longer than %zu bytes, the most a VM within --mem %u MiB can need\n",
			path, max, mem >> 20);
		return false;
	}
	if (!buf) {
		fprintf(stderr, "mipsvm: %s: %s\n", path, strerror(errno));
		return false;
	}
	bool ok = mips_snapshot_load(vm, buf, len, prog, msg);
	free(buf);
	if (!ok)
		fprintf(stderr, "mipsvm: %s: %s\n", path, msg);
	return ok;
}

/* Builds one VM from its source and/or snapshot. */
static struct mips_vm *make_vm(const struct mips_port *port, const struct options *o, const struct vm_spec *s)
{
	struct mips_program prog;
	char name[MIPS_NAME_MAX] = "";
	bool have_prog = false, ok = true;

	if (s->source) {
		vm_name(s->source, name, sizeof name);
		if (!(have_prog = assemble_file(port, s->source, &prog)))
			return NULL;
	}
	struct mips_vm *vm = mips_vm_new(port, name, o->mem_limit);
	if (!vm) {
		fprintf(stderr, "mipsvm: out of memory\n");
		ok = false;
	} else if (s->snapshot) {
		ok = load_snapshot(vm, s->snapshot, have_prog ? &prog : NULL, o->mem_limit);
	} else {
		ok = mips_vm_load(vm, &prog);
	}
	if (have_prog)
		mips_program_free(port, &prog);
	if (!ok) {
		mips_vm_free(vm);
		return NULL;
	}
	return vm;
}

static int emit_text(const struct mips_port *port, const char *source, const char *out)
{
	struct mips_program prog;

	if (!assemble_file(port, source, &prog))
		return EXIT_BAD_INPUT;
	FILE *f = fopen(out, "wb");
	size_t n = (prog.user_text_end - MIPS_TEXT_BASE) / 4;
	bool ok = f != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		uint8_t b[4] = { (uint8_t)prog.text[i], (uint8_t)(prog.text[i] >> 8), (uint8_t)(prog.text[i] >> 16),
				 (uint8_t)(prog.text[i] >> 24) };
		ok = fwrite(b, 1, 4, f) == 4;
	}
	if (f && fclose(f) != 0)
		ok = false;
	mips_program_free(port, &prog);
	if (!ok) {
		fprintf(stderr, "mipsvm: %s: %s\n", out, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	return 0;
}

static int snapshot_at(struct mipsvm_host *h, const struct mips_port *port, struct mips_vm *vm, uint64_t n,
		       const char *file)
{
	void *buf;
	size_t len;

	while (mips_vm_icount(vm) < n && (mips_vm_state(vm) == MIPS_VM_RUNNING ||
					  mips_vm_state(vm) == MIPS_VM_BLOCKED))
		mips_vm_run(vm, n - mips_vm_icount(vm));
	if (mips_vm_state(vm) == MIPS_VM_FAULTED)
		return EXIT_FAULT;
	if (!mips_snapshot_to_buffer(vm, &buf, &len)) {
		fprintf(stderr, "mipsvm: out of memory\n");
		return EXIT_FAULT;
	}
	int rc = 0;
	if (mipsvm_write_file_at(AT_FDCWD, file, buf, len, false) < 0) {	/* the user's path: not confined */
		mipsvm_note(h, "mipsvm: %s: %s", file, strerror(errno));
		rc = EXIT_FAULT;
	} else {
		mipsvm_note(h, "mipsvm: '%s' stopped after %llu instructions; its snapshot is %s (%zu bytes)",
			    mips_vm_name(vm), (unsigned long long)mips_vm_icount(vm), file, len);
	}
	port->alloc(port->ud, buf, len, 0);
	return rc;
}

/* The process's CPU time (user and system): a run's own work even on a busy machine. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void print_stats(struct mips_vm *vm, uint64_t ns, uint64_t cpu)
{
	double s = (double)ns / 1e9, ins = (double)mips_vm_icount(vm);

	fprintf(stderr, "vm %s: %llu instructions in %.3f s: %.1f M instructions/s (all VMs: %.6f s of CPU)\n",
		mips_vm_name(vm), (unsigned long long)mips_vm_icount(vm), s, s > 0 ? ins / s / 1e6 : 0.0,
		(double)cpu / 1e9);
	if (mips_vm_engine(vm) == MIPS_ENGINE_JIT) {
		struct mips_jit_stats st;
		mips_vm_jit_stats(vm, &st);
		fprintf(stderr, "vm %s: jit: %llu blocks (%llu dropped by stores into text), %llu jumps chained (%llu while running), %llu cache flushes, %llu interpreted steps\n",
			mips_vm_name(vm), (unsigned long long)st.blocks, (unsigned long long)st.dropped,
			(unsigned long long)st.chains, (unsigned long long)st.chain_exits,
			(unsigned long long)st.flushes, (unsigned long long)st.interp_steps);
	} else {
		fprintf(stderr, "vm %s: interpreted\n", mips_vm_name(vm));
	}
}

/* The overall exit status once every VM has stopped; a VM that migrated away counts as exited with 0. */
static int final_status(const struct mips_host *h)
{
	size_t n = mips_host_count(h);
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (mips_vm_state(mips_host_vm(h, i)) == MIPS_VM_FAULTED)
			rc = EXIT_FAULT;
	if (!rc && n == 1 && mips_vm_state(mips_host_vm(h, 0)) != MIPS_VM_MIGRATED)
		rc = mips_vm_exit_code(mips_host_vm(h, 0)) & 0xff;
	return rc;
}

/*
 * One scheduler round per iteration, then the network: new connections, every transfer pumped.
 * A VM paused for its last round is not runnable but not over either: its transfer keeps the
 * loop going, as does the listener, and mipsvm_mig_poll sleeps in poll() while nothing can run.
 */
static void run_vms(struct mipsvm_host *h)
{
	for (;;) {
		bool runnable = mips_host_round(h->host) > 0;
		mipsvm_mig_poll(h, runnable);
		if (!runnable && !mips_host_busy(h->host) && !mips_host_live_count(h->host))
			break;
	}
}

/* Builds the VMs and runs them; returns the exit status. */
static int run(const struct options *o)
{
	static struct mipsvm_host host;
	struct mips_host_config cfg = {
		.lines = o->nspecs > 1 || o->listen ? MIPS_HOST_NAME_COLON : MIPS_HOST_RAW,
		.slice = o->slice,
		.once = o->once,
		.recv_budget = 256u << 10,	/* like the sender's bound: the VMs here get their turns */
		.accept_every_ns = 1000000,
		.mig = { .key = o->keylen ? o->key : NULL, .keylen = o->keylen, .mem_limit = o->mem_limit,
			 .limit_name = "--mem", .host_name = "mipsvm" },
		.in_max = o->listen_max,
		.in_mem_total = o->listen_mem ? o->listen_mem : o->mem_limit > (256u << 20) ? o->mem_limit : 256ull << 20,
		.in_mem_name = "--listen-mem share",
	};
	int rc = 0;

	host.out = stdout, host.diag = stderr;
	host.interp = o->interp;
	host.exec.cache_size = o->jit_cache;
	if (!mipsvm_host_init(&host, &cfg)) {
		fprintf(stderr, "mipsvm: out of memory\n");
		return EXIT_FAULT;
	}
	const struct mips_port *port = mips_host_port(host.host);
	host.snap_max = MIPSVM_SNAPSHOT_MAX(o->mem_limit);
	if (!mipsvm_snapshot_dir(&host, o->snapshot_dir ? o->snapshot_dir : ".")) {
		mips_host_free(host.host);
		return EXIT_BAD_INPUT;
	}
	if (o->emit_text) {
		rc = emit_text(port, o->specs[0].source, o->emit_text);
		mips_host_free(host.host);
		return rc;
	}
	for (int i = 0; i < o->nspecs; i++) {
		struct mips_vm *vm = make_vm(port, o, &o->specs[i]);
		if (vm)
			mips_vm_set_exceptions(vm, o->exceptions);
		if (!vm)
			rc = EXIT_BAD_INPUT;	/* go on: report every bad input at once */
		else if (!mips_host_add(host.host, vm, NULL, 0))
			mips_vm_free(vm), rc = EXIT_FAULT;
	}
	if (!rc && o->listen && !mipsvm_mig_listen(&host, o->listen))
		rc = EXIT_BAD_INPUT;
	uint64_t t0 = port->clock_ns(port->ud), c0 = cpu_ns();
	if (!rc && o->snapshot_at_file) {
		rc = snapshot_at(&host, port, mips_host_vm(host.host, 0), o->snapshot_at, o->snapshot_at_file);
	} else if (!rc) {
		run_vms(&host);
		rc = final_status(host.host);
	}
	uint64_t t1 = port->clock_ns(port->ud), c1 = cpu_ns();
	mipsvm_mig_close(&host);
	fflush(stdout);
	for (size_t i = 0; o->stats && i < mips_host_count(host.host); i++)
		print_stats(mips_host_vm(host.host, i), t1 - t0, c1 - c0);
	close(host.snap_fd);
	mips_host_free(host.host);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = { .slice = 10000, .mem_limit = MIPS_DEFAULT_MEM_LIMIT };
	int rc = parse_args(&o, argc, argv);

	if (!rc)
		rc = run(&o);
	for (int i = 0; i < o.nowned; i++)
		free(o.owned[i]);
	return rc < 0 ? 0 : rc;
}
