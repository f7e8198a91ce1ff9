/* syscall.c: SPIM's syscalls (integer set), one table; output formatted exactly as SPIM prints it. */
#include "internal.h"
#include "fpdec.h"
#include "softfloat.h"

#define REG_V0 2
#define REG_A0 4
#define REG_A1 5

typedef bool syscall_fn(struct mips_vm *vm);

static bool sys_print_int(struct mips_vm *vm)
{
	char buf[16];
	size_t n = mips_snprintf(buf, sizeof buf, "%d", (int32_t)vm->r[REG_A0]);
	mips_vm_out(vm, buf, n);
	return true;
}

static bool sys_print_string(struct mips_vm *vm)
{
	char buf[256];
	size_t n = 0;

	/* spim checks where the string starts; it stops at its segment's end, as spim's does */
	if (!mips_mem_valid(vm, vm->r[REG_A0], 1))
		return mips_mem_out_of_bounds(vm, vm->r[REG_A0]);
	for (uint32_t a = vm->r[REG_A0]; mips_mem_valid(vm, a, 1); a++) {
		uint8_t *p = mips_mem_r(vm, a);
		if (!p)
			return false;
		if (!*p)
			break;
		buf[n++] = (char)*p;
		if (n == sizeof buf) {
			mips_vm_out(vm, buf, n);
			n = 0;
		}
	}
	mips_vm_out(vm, buf, n);
	return true;
}

static bool sys_print_char(struct mips_vm *vm)
{
	char c = (char)vm->r[REG_A0];
	mips_vm_out(vm, &c, 1);
	return true;
}

/*
 * Buffers input until it holds a newline, max bytes, or the end of input. False when the port
 * would block: the VM blocks and the syscall is retried on its next turn, the buffer kept.
 */
static bool input_fill(struct mips_vm *vm, size_t max, bool line)
{
	if (max > MIPS_INBUF_MAX)
		max = MIPS_INBUF_MAX;
	while (!vm->in_eof && vm->inlen < max) {
		if (line && vm->inlen && vm->inbuf[vm->inlen - 1] == '\n')
			return true;
		long n = vm->port->input(vm->port->ud, vm, vm->inbuf + vm->inlen, 1);
		if (n == MIPS_INPUT_WOULD_BLOCK) {
			vm->state = MIPS_VM_BLOCKED;
			return false;
		}
		if (n <= 0)
			vm->in_eof = true;
		else
			vm->inlen += (size_t)n;
	}
	return true;
}

static void input_consume(struct mips_vm *vm, size_t n)
{
	memmove(vm->inbuf, vm->inbuf + n, vm->inlen - n);
	vm->inlen -= n;
}

/* SPIM reads a whole line and converts its leading decimal integer (0 if none). */
static bool sys_read_int(struct mips_vm *vm)
{
	if (!input_fill(vm, MIPS_INBUF_MAX, true))
		return false;
	size_t i = 0, n = vm->inlen;
	uint32_t v = 0;
	bool neg = false;

	while (i < n && (vm->inbuf[i] == ' ' || vm->inbuf[i] == '\t'))
		i++;
	if (i < n && (vm->inbuf[i] == '-' || vm->inbuf[i] == '+'))
		neg = vm->inbuf[i++] == '-';
	while (i < n && vm->inbuf[i] >= '0' && vm->inbuf[i] <= '9')
		v = v * 10 + (uint32_t)(vm->inbuf[i++] - '0');
	vm->r[REG_V0] = neg ? -v : v;
	input_consume(vm, n);
	return true;
}

/* SPIM prints a single with "%.8f" (the float widened to double) and a double with "%.18g". */
static bool sys_print_float(struct mips_vm *vm)
{
	char buf[MIPS_FPDEC_F8_MAX];
	mips_vm_out(vm, buf, mips_fpdec_format_f8(mips_f32_to_f64(vm->fpr[12]), buf));
	return true;
}

static bool sys_print_double(struct mips_vm *vm)
{
	char buf[MIPS_FPDEC_G_MAX];
	mips_vm_out(vm, buf, mips_fpdec_format_g((uint64_t)vm->fpr[13] << 32 | vm->fpr[12], 18, buf));
	return true;
}

/* read_float/read_double: one line read as C's strtod reads it (0 if no number), into $f0 or the
 * $f0/$f1 pair; a single is that double narrowed, as SPIM's (float) cast does. */
static bool sys_read_fp(struct mips_vm *vm, bool single)
{
	uint64_t bits;

	if (!input_fill(vm, MIPS_INBUF_MAX, true))
		return false;
	mips_fpdec_strtod(vm->inbuf, vm->inlen, &bits);
	if (single) {
		vm->fpr[0] = mips_f64_to_f32(bits);
	} else {
		vm->fpr[0] = (uint32_t)bits;
		vm->fpr[1] = (uint32_t)(bits >> 32);
	}
	input_consume(vm, vm->inlen);
	return true;
}

static bool sys_read_float(struct mips_vm *vm) { return sys_read_fp(vm, true); }
static bool sys_read_double(struct mips_vm *vm) { return sys_read_fp(vm, false); }

/* fgets semantics: at most a1-1 bytes, stopping after a newline, then a NUL. */
static bool sys_read_string(struct mips_vm *vm)
{
	int32_t len = (int32_t)vm->r[REG_A1];
	uint32_t buf = vm->r[REG_A0];

	if (!mips_mem_valid(vm, buf, 1))	/* spim checks the buffer's start before it reads */
		return mips_mem_out_of_bounds(vm, buf);
	if (len < 1)
		return true;
	if (!input_fill(vm, (size_t)len - 1, true))
		return false;
	size_t n = 0;
	while (n < vm->inlen && n < (size_t)len - 1 && (n == 0 || vm->inbuf[n - 1] != '\n'))
		n++;
	if (!mips_mem_valid(vm, buf, (uint32_t)n + 1))	/* spim would write past its segment */
		return mips_mem_out_of_bounds(vm, buf + (uint32_t)n);
	for (size_t i = 0; i <= n; i++) {
		uint8_t *p = mips_mem_w(vm, buf + (uint32_t)i);
		if (!p)
			return false;
		*p = i < n ? (uint8_t)vm->inbuf[i] : 0;
	}
	input_consume(vm, n);
	return true;
}

static bool sys_read_char(struct mips_vm *vm)
{
	if (!input_fill(vm, 1, false))
		return false;
	if (!vm->inlen) {
		vm->r[REG_V0] = 0xffffffffu;	/* end of input */
		return true;
	}
	vm->r[REG_V0] = (uint8_t)vm->inbuf[0];
	input_consume(vm, 1);
	return true;
}

/*
 * Grows the data segment by a0 bytes rounded up to a word and returns its old end, as spim's
 * expand_data; a negative a0, or a segment beyond the VM's memory limit (or MIPS_DATA_END), ends
 * the program with spim's message (spim's own limit is 1 MiB, -ldata; Tally's is the VM's memory).
 */
static bool sys_sbrk(struct mips_vm *vm)
{
	int32_t n = (int32_t)vm->r[REG_A0];
	uint32_t old = vm->brk;
	int64_t size = (int64_t)(old - MIPS_SDATA_BASE) + (((int64_t)n + 3) & ~3ll);
	int64_t limit = vm->mem_limit < MIPS_DATA_END - MIPS_SDATA_BASE ? vm->mem_limit : MIPS_DATA_END - MIPS_SDATA_BASE;

	if (n >= 0 && size <= limit) {
		vm->brk = MIPS_SDATA_BASE + (uint32_t)size;
		vm->r[REG_V0] = old;
		return true;
	}
	if (vm->exc_mode != MIPS_EXCEPTIONS_SPIM) {
		mips_vm_faultf(vm, vm->pc, "sbrk(%d): the data segment cannot be %lld bytes (its limit is %lld)", n,
			       (long long)size, (long long)limit);
		return false;
	}
	char line[128];
	size_t len = mips_snprintf(line, sizeof line,
				   "Can't expand data segment by %d bytes to %lld bytes\nUse -ldata # with # > %lld\n", n,
				   (long long)size, (long long)size);
	vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, line, len);
	vm->state = MIPS_VM_EXITED;
	vm->exit_code = 0;
	return false;
}

/* A VM that reaches its exit while it is being sent waits there: the transfer finishes and the
 * exit runs at the destination (or here again, should the transfer fail). */
static bool park_exit(struct mips_vm *vm)
{
	vm->state = MIPS_VM_PAUSED;
	vm->exit_parked = true;
	return false;
}

static bool sys_exit(struct mips_vm *vm)
{
	if (vm->migrating)
		return park_exit(vm);
	vm->state = MIPS_VM_EXITED;
	vm->exit_code = 0;
	return false;
}

static bool sys_exit2(struct mips_vm *vm)
{
	if (vm->migrating)
		return park_exit(vm);
	vm->state = MIPS_VM_EXITED;
	vm->exit_code = (int32_t)vm->r[REG_A0];
	return false;
}

static bool sys_unsupported(struct mips_vm *vm);

/* X(number, SPIM's name, handler). Float, double and file syscalls need an FPU or a file system. */
#define MIPS_SYSCALLS(X)					\
	X(1,  "print_int",    sys_print_int)			\
	X(2,  "print_float",  sys_print_float)			\
	X(3,  "print_double", sys_print_double)			\
	X(4,  "print_string", sys_print_string)			\
	X(5,  "read_int",     sys_read_int)			\
	X(6,  "read_float",   sys_read_float)			\
	X(7,  "read_double",  sys_read_double)			\
	X(8,  "read_string",  sys_read_string)			\
	X(9,  "sbrk",         sys_sbrk)				\
	X(10, "exit",         sys_exit)				\
	X(11, "print_char",   sys_print_char)			\
	X(12, "read_char",    sys_read_char)			\
	X(13, "open",         sys_unsupported)			\
	X(14, "read",         sys_unsupported)			\
	X(15, "write",        sys_unsupported)			\
	X(16, "close",        sys_unsupported)			\
	X(17, "exit2",        sys_exit2)

struct syscall_entry {
	uint32_t num;
	const char *name;
	syscall_fn *fn;
};

static const struct syscall_entry syscalls[] = {
#define MIPS_X_SYSCALL(num, name, fn) { num, name, fn },
	MIPS_SYSCALLS(MIPS_X_SYSCALL)
#undef MIPS_X_SYSCALL
};

static const struct syscall_entry *find_syscall(uint32_t num)
{
	for (size_t i = 0; i < sizeof syscalls / sizeof syscalls[0]; i++)
		if (syscalls[i].num == num)
			return &syscalls[i];
	return NULL;
}

static bool sys_unsupported(struct mips_vm *vm)
{
	mips_vm_faultf(vm, vm->pc, "unsupported syscall %u (%s)", vm->r[REG_V0],
		       find_syscall(vm->r[REG_V0])->name);
	return false;
}

bool mips_syscall(struct mips_vm *vm)
{
	const struct syscall_entry *s = find_syscall(vm->r[REG_V0]);

	if (!s && vm->exc_mode == MIPS_EXCEPTIONS_SPIM) {	/* spim ends the program */
		char line[64];
		size_t n = mips_snprintf(line, sizeof line, "Unknown system call: %u\n", vm->r[REG_V0]);
		vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, line, n);
		vm->state = MIPS_VM_EXITED;
		vm->exit_code = 0;
		return false;
	}
	if (!s) {
		mips_vm_faultf(vm, vm->pc, "unknown syscall %u in $v0", vm->r[REG_V0]);
		return false;
	}
	return s->fn(vm);
}
