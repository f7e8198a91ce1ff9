/* port.h: the one door out of mips/: the callbacks a host (Linux tool or bare-metal kernel) provides. */
#ifndef MIPS_PORT_H
#define MIPS_PORT_H

#include <stddef.h>
#include <stdint.h>

/* The only C library functions mips/ uses; every host (hosted libc, the kernel's libc) has them. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

struct mips_vm;

/*
 * The translator (jit.c, jit_x86.c) emits x86-64 code: on any other host, or built with
 * -DMIPS_NO_JIT, mips/ has only the interpreter and struct mips_port.exec is never used.
 */
#if defined(__x86_64__) && !defined(MIPS_NO_JIT)
#define MIPS_PORT_JIT 1
#else
#define MIPS_PORT_JIT 0
#endif

/*
 * Executable memory for the translator's code cache, kept W^X without ever changing a mapping: the
 * same pages mapped twice, read-and-execute where code runs and read-and-write (never executable)
 * where the translator writes it. (Flipping one mapping instead costs a system call and a TLB
 * flush per batch of new code, and a flip here took 30-100 us: more than many programs run.) A
 * host without it leaves struct mips_port.exec NULL (the interpreter runs).
 */
struct mips_exec_mem {
	void *ud;
	/* size bytes (a multiple of 4 KiB), page aligned: returns where they run, read and execute
	 * only, and sets *write to where the same bytes are written, read and write only; NULL if
	 * none is left. */
	void *(*alloc)(void *ud, size_t size, void **write);
	void (*free)(void *ud, void *code, void *write, size_t size);
	size_t cache_size;	/* bytes of code cache per VM (0: MIPS_JIT_CACHE_DEFAULT, 1 MiB) */
};

/* Streams of mips_port.write. */
enum mips_stream {
	MIPS_STREAM_OUT,	/* the guest's own output (print syscalls, DUMP_PROCESSOR_STATE) */
	MIPS_STREAM_DIAG,	/* diagnostics: assembler errors, faults, snapshot and migration messages */
};

/* Answers of mips_port.input besides a byte count. */
#define MIPS_INPUT_EOF		0
#define MIPS_INPUT_WOULD_BLOCK	(-1)

/*
 * Everything mips/ needs from its host, Lua-style: one struct of callbacks and one user-data
 * pointer handed to each callback. vm is NULL for messages that belong to no VM (the assembler).
 */
struct mips_port {
	void *ud;
	/* realloc in one: nsize 0 frees (returns NULL); ptr NULL allocates; NULL result = out of memory. */
	void *(*alloc)(void *ud, void *ptr, size_t osize, size_t nsize);
	void (*write)(void *ud, struct mips_vm *vm, enum mips_stream stream, const char *s, size_t n);
	/* Reads at most cap bytes of guest input; returns a count, MIPS_INPUT_EOF or MIPS_INPUT_WOULD_BLOCK. */
	long (*input)(void *ud, struct mips_vm *vm, char *buf, size_t cap);
	uint64_t (*clock_ns)(void *ud);
	/* Named storage (a file, a disk object): 0 on success, negative on failure. */
	int (*storage_write)(void *ud, const char *name, const void *buf, size_t len);
	/* Reads the object into buf (at most cap bytes; buf may be NULL when cap is 0); returns its
	 * full length, or negative if absent. */
	long (*storage_read)(void *ud, const char *name, void *buf, size_t cap);
	/* MIGRATE <target>: starts moving the VM to target "host[:port]" (mips_mig_out_start). The VM
	 * keeps running here while its pages go; the host drives the transfer and reports the outcome,
	 * or says why it could not start. */
	void (*migrate)(void *ud, struct mips_vm *vm, const char *target);
	/* Executable memory for the translator; NULL: VMs made over this port use the interpreter. */
	const struct mips_exec_mem *exec;
};

#endif
