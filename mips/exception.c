/* exception.c: SPIM's default exception handler: report the exception and go on after the instruction. */
#include "internal.h"

/*
 * X(ID, ExcCode, SPIM's name, detail line or NULL). The codes are the Cause register's ExcCode
 * (MIPS32 Vol. III, table 9.31); the texts are what spim 8.0 prints: its handler
 * (exceptions.s) the "Exception N [name] occurred and ignored" line on the program's output,
 * the simulator the "Exception occurred at PC=" and detail lines on its diagnostics.
 */
#define MIPS_EXCEPTIONS(X)							\
	X(ADEL, 4,  "Address error in inst/data fetch", "Unaligned address in inst/data fetch") \
	X(ADES, 5,  "Address error in store", "Unaligned address in store")	\
	X(DBE,  7,  "Bad data address", "Bad address in data/stack read")	\
	X(BP,   9,  "Breakpoint", NULL)						\
	X(RI,   10, "Reserved instruction", NULL)				\
	X(OV,   12, "Arithmetic overflow", "Arithmetic overflow")		\
	X(TR,   13, "Trap", "Trap")						\
	X(FPE,  15, "Floating point", NULL)

static const struct {
	uint8_t code;
	const char *name, *detail;
} exceptions[MIPS_EXC_COUNT] = {
#define MIPS_X_EXC(id, code, name, detail) [MIPS_EXC_##id] = { code, name, detail },
	MIPS_EXCEPTIONS(MIPS_X_EXC)
#undef MIPS_X_EXC
};
_Static_assert(MIPS_EXC_COUNT == 8, "enum mips_exc (internal.h) and MIPS_EXCEPTIONS differ");

static void diag(struct mips_vm *vm, const char *s, size_t n)
{
	vm->port->write(vm->port->ud, vm, MIPS_STREAM_DIAG, s, n);
}

bool mips_exception(struct mips_vm *vm, uint32_t pc, enum mips_exc exc, uint32_t addr)
{
	char line[128];
	size_t n;

	if (vm->exc_mode != MIPS_EXCEPTIONS_SPIM)
		return false;
	n = mips_snprintf(line, sizeof line, "Exception occurred at PC=0x%08x\n", pc);
	diag(vm, line, n);
	if (exceptions[exc].detail) {
		if (exc == MIPS_EXC_OV || exc == MIPS_EXC_TR)
			n = mips_snprintf(line, sizeof line, "  %s\n", exceptions[exc].detail);
		else
			n = mips_snprintf(line, sizeof line, "  %s: 0x%08x\n", exceptions[exc].detail, addr);
		diag(vm, line, n);
	}
	n = mips_snprintf(line, sizeof line, "  Exception %u  [%s]  occurred and ignored\n", exceptions[exc].code,
			  exceptions[exc].name);
	mips_vm_out(vm, line, n);
	return true;
}

bool mips_text_end(struct mips_vm *vm, uint32_t pc)
{
	char line[80];

	if (vm->exc_mode != MIPS_EXCEPTIONS_SPIM)
		return true;
	size_t n = mips_snprintf(line, sizeof line, "Attempt to execute non-instruction at 0x%08x\n", pc);
	diag(vm, line, n);
	vm->state = MIPS_VM_EXITED;
	vm->exit_code = 0;
	return false;
}

void mips_vm_set_exceptions(struct mips_vm *vm, enum mips_exceptions mode)
{
	vm->exc_mode = (uint8_t)mode;
}
