/* para.c: the para-instructions DUMP_PROCESSOR_STATE, SNAPSHOT <file> and MIGRATE <host[:port]>. */
#include "internal.h"

/* The NUL-terminated argument at kdata offset off. */
static bool para_arg(struct mips_vm *vm, uint32_t off, char out[MIPS_PARA_ARG_MAX])
{
	for (uint32_t i = 0; i < MIPS_PARA_ARG_MAX; i++) {
		if (!mips_vm_read(vm, MIPS_KDATA_BASE + off + i, &out[i], 1))
			break;
		if (!out[i])
			return true;
	}
	mips_vm_faultf(vm, vm->pc - 4, "para-instruction argument at kdata+0x%x is unreadable", off);
	return false;
}

static bool para_snapshot(struct mips_vm *vm, const char *name)
{
	void *buf;
	size_t len;

	if (!mips_snapshot_to_buffer(vm, &buf, &len)) {
		mips_vm_diagf(vm, "SNAPSHOT %s: out of memory, not saved", name);
		return true;
	}
	if (vm->port->storage_write(vm->port->ud, name, buf, len) < 0)
		mips_vm_diagf(vm, "SNAPSHOT %s: storage write failed, not saved", name);
	mips_free(vm->port, buf, len);
	return true;
}

static bool para_migrate(struct mips_vm *vm, const char *target)
{
	vm->port->migrate(vm->port->ud, vm, target);
	return vm->state == MIPS_VM_RUNNING;
}

/* vm->pc already points after the para-instruction; false when the VM must stop. */
bool mips_para(struct mips_vm *vm, enum mips_insn_id id, uint32_t off)
{
	char arg[MIPS_PARA_ARG_MAX];

	switch (id) {
	case MIPS_I_DUMP_PROCESSOR_STATE:
		vm->pc -= 4;	/* report the pc of the dump itself */
		mips_vm_dump_state(vm);
		vm->pc += 4;
		return true;
	case MIPS_I_SNAPSHOT:
		return para_arg(vm, off, arg) && para_snapshot(vm, arg);
	case MIPS_I_MIGRATE:
		return para_arg(vm, off, arg) && para_migrate(vm, arg);
	default:
		mips_vm_faultf(vm, vm->pc - 4, "not a para-instruction");
		return false;
	}
}
