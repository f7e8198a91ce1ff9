/* fuzz_snapshot.c: libFuzzer target: any bytes as a snapshot; accepted ones must run safely. */
#include <string.h>

#include "tests/mips/fuzz_port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[MIPS_MSG_MAX];
	struct mips_vm *vm = mips_vm_new(&fz_port, "", FZ_MEM_LIMIT);

	if (!vm)
		return 0;
	if (mips_snapshot_load(vm, data, size, NULL, msg))
		mips_vm_run(vm, FZ_BUDGET);
	else if (!strstr(msg, "check failed at offset"))
		__builtin_trap();	/* every refusal must name its check */
	mips_vm_free(vm);
	return 0;
}
