/* fuzz_asm.c: libFuzzer target: any bytes as assembly source; assembled programs run a bounded while. */
#include "tests/mips/fuzz_port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mips_program prog;

	if (mips_assemble(&fz_port, "fuzz.s", (const char *)data, size, &prog))
		return 0;
	struct mips_vm *vm = mips_vm_new(&fz_port, "fuzz", FZ_MEM_LIMIT);
	if (vm && mips_vm_load(vm, &prog))
		mips_vm_run(vm, FZ_BUDGET);
	mips_vm_free(vm);
	mips_program_free(&fz_port, &prog);
	return 0;
}
