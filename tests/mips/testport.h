/* testport.h: a fake mips_port for the hosted unit tests: captured output, scripted input, RAM storage. */
#ifndef TESTS_MIPS_TESTPORT_H
#define TESTS_MIPS_TESTPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mips/mips.h"
#include "tools/mipsvm.h"

#define TP_OUT_MAX	(1 << 16)
#define TP_BLOBS	8

struct tp_blob {
	char name[64];
	unsigned char *data;
	size_t len;
};

struct testport {
	char out[TP_OUT_MAX], diag[TP_OUT_MAX];
	size_t nout, ndiag;
	const char *input;	/* scripted input; '\1' answers "would block" once */
	size_t in_pos;
	int migrations;
	bool spim_exceptions;	/* tp_vm's VMs take SPIM's handler; by default they stop on a fault */
	struct tp_blob blobs[TP_BLOBS];
	struct mips_port port;
};

static inline void *tp_alloc(void *ud, void *p, size_t o, size_t n)
{
	(void)ud, (void)o;
	if (!n) {
		free(p);
		return NULL;
	}
	return realloc(p, n);
}

static inline void tp_write(void *ud, struct mips_vm *vm, enum mips_stream s, const char *b, size_t n)
{
	struct testport *t = ud;
	char *buf = s == MIPS_STREAM_OUT ? t->out : t->diag;
	size_t *len = s == MIPS_STREAM_OUT ? &t->nout : &t->ndiag;
	(void)vm;
	if (*len + n >= TP_OUT_MAX)
		n = TP_OUT_MAX - 1 - *len;
	memcpy(buf + *len, b, n);
	*len += n;
	buf[*len] = 0;
}

static inline long tp_input(void *ud, struct mips_vm *vm, char *buf, size_t cap)
{
	struct testport *t = ud;
	(void)vm, (void)cap;
	if (!t->input || !t->input[t->in_pos])
		return MIPS_INPUT_EOF;
	if (t->input[t->in_pos] == '\1') {
		t->in_pos++;
		return MIPS_INPUT_WOULD_BLOCK;
	}
	buf[0] = t->input[t->in_pos++];
	return 1;
}

static inline uint64_t tp_clock(void *ud)
{
	(void)ud;
	return 0;
}

static struct tp_blob *tp_find(struct testport *t, const char *name, bool create)
{
	for (int i = 0; i < TP_BLOBS; i++)
		if (t->blobs[i].data && !strcmp(t->blobs[i].name, name))
			return &t->blobs[i];
	for (int i = 0; create && i < TP_BLOBS; i++)
		if (!t->blobs[i].data) {
			snprintf(t->blobs[i].name, sizeof t->blobs[i].name, "%s", name);
			return &t->blobs[i];
		}
	return NULL;
}

static inline int tp_storage_write(void *ud, const char *name, const void *buf, size_t len)
{
	struct tp_blob *b = tp_find(ud, name, true);
	if (!b)
		return -1;
	free(b->data);
	b->data = malloc(len ? len : 1);
	memcpy(b->data, buf, len);
	b->len = len;
	return 0;
}

static inline long tp_storage_read(void *ud, const char *name, void *buf, size_t cap)
{
	struct tp_blob *b = tp_find(ud, name, false);
	if (!b)
		return -1;
	if (cap)
		memcpy(buf, b->data, b->len < cap ? b->len : cap);
	return (long)b->len;
}

static inline void tp_migrate(void *ud, struct mips_vm *vm, const char *target)
{
	struct testport *t = ud;
	(void)vm, (void)target;
	t->migrations++;
}

/* Executable memory for the translator: mipsvm's own (tools/mipsvm.h). */
static struct mips_exec_mem tp_exec = { NULL, mipsvm_exec_alloc, mipsvm_exec_free, 0 };

/* A port whose VMs take the translator (where there is one). */
static inline void tp_use_jit(struct testport *t)
{
	if (MIPS_PORT_JIT)
		t->port.exec = &tp_exec;
}

/* VMs interpret unless the environment's MIPS_TEST_ENGINE is "jit" (tests/mips/test_units_jit.sh). */
static struct testport *tp_new(void)
{
	struct testport *t = calloc(1, sizeof *t);
	const char *engine = getenv("MIPS_TEST_ENGINE");
	t->port = (struct mips_port){ t, tp_alloc, tp_write, tp_input, tp_clock, tp_storage_write,
				      tp_storage_read, tp_migrate, NULL };
	if (engine && !strcmp(engine, "jit"))
		tp_use_jit(t);
	return t;
}

static inline void tp_free(struct testport *t)
{
	for (int i = 0; i < TP_BLOBS; i++)
		free(t->blobs[i].data);
	free(t);
}

static inline void tp_reset_output(struct testport *t)
{
	t->nout = t->ndiag = 0;
	t->out[0] = t->diag[0] = 0;
}

/* Assembles src and loads it into a new VM named "t"; NULL (errors in t->diag) on failure. */
static inline struct mips_vm *tp_vm(struct testport *t, const char *src)
{
	struct mips_program prog;
	if (mips_assemble(&t->port, "t.s", src, strlen(src), &prog))
		return NULL;
	struct mips_vm *vm = mips_vm_new(&t->port, "t", 0);
	if (vm)
		mips_vm_set_exceptions(vm, t->spim_exceptions ? MIPS_EXCEPTIONS_SPIM : MIPS_EXCEPTIONS_STOP);
	bool ok = mips_vm_load(vm, &prog);
	mips_program_free(&t->port, &prog);
	if (!ok) {
		mips_vm_free(vm);
		return NULL;
	}
	return vm;
}

/* Runs a VM to its end (bounded). */
static inline void tp_run(struct mips_vm *vm)
{
	for (int i = 0; i < 1000 && (mips_vm_state(vm) == MIPS_VM_RUNNING || mips_vm_state(vm) == MIPS_VM_BLOCKED); i++)
		mips_vm_run(vm, 1000000);
}

#endif
