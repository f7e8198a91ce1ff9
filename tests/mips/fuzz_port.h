/* fuzz_port.h: a silent mips_port for the libFuzzer targets (no output, no input, RAM-free storage). */
#ifndef TESTS_MIPS_FUZZ_PORT_H
#define TESTS_MIPS_FUZZ_PORT_H

#include <stdlib.h>

#include "mips/mips.h"

static void *fz_alloc(void *ud, void *p, size_t o, size_t n)
{
	(void)ud, (void)o;
	if (!n) {
		free(p);
		return NULL;
	}
	return realloc(p, n);
}

static void fz_write(void *ud, struct mips_vm *vm, enum mips_stream s, const char *b, size_t n)
{
	(void)ud, (void)vm, (void)s, (void)b, (void)n;
}

static long fz_input(void *ud, struct mips_vm *vm, char *buf, size_t cap)
{
	(void)ud, (void)vm, (void)buf, (void)cap;
	return MIPS_INPUT_EOF;
}

static uint64_t fz_clock(void *ud)
{
	(void)ud;
	return 0;
}

static int fz_storage_write(void *ud, const char *name, const void *buf, size_t len)
{
	(void)ud, (void)name, (void)buf, (void)len;
	return 0;
}

static long fz_storage_read(void *ud, const char *name, void *buf, size_t cap)
{
	(void)ud, (void)name, (void)buf, (void)cap;
	return -1;
}

static void fz_migrate(void *ud, struct mips_vm *vm, const char *t)
{
	(void)ud, (void)vm, (void)t;
}

static const struct mips_port fz_port = { NULL, fz_alloc, fz_write, fz_input, fz_clock, fz_storage_write,
					  fz_storage_read, fz_migrate, NULL };

#define FZ_MEM_LIMIT	(1u << 20)
#define FZ_BUDGET	20000

#endif
