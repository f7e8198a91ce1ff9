/* exit_io.c: I/O instruction exits: IN/OUT and string (INS/OUTS, REP) port I/O through the port table. */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/guest_walk.h"
#include "vmx/platform.h"
#include "vmx/backend.h"

/* Intel SDM Vol. 3C, 28.2.1, Table 28-5: I/O instruction qualification. */
#define IOQ_SIZE(q) (((q) & 7) + 1)
#define IOQ_IN (1ull << 3)
#define IOQ_STRING (1ull << 4)
#define IOQ_REP (1ull << 5)
#define IOQ_PORT(q) (((q) >> 16) & 0xffff)
/* SDM Vol. 3C, 28.2.5, Table 28-8: INS/OUTS instruction information, address size in bits 9:7. */
#define IO_INFO_ADDR_SIZE(i) (((i) >> 7) & 7)
#define RFLAGS_DF (1ull << 10)
/* At most this many elements per exit: the rest re-executes (a REP string instruction is
 * interruptible between iterations, SDM Vol. 2B, REP). */
#define STRING_IO_CHUNK 4096

static uint64_t address_mask(uint64_t info)
{
	switch (IO_INFO_ADDR_SIZE(info)) {
	case 0: return 0xffffull;
	case 1: return 0xffffffffull;
	}
	return ~0ull;
}

/* Moves one element between guest memory at linear address la and the port. */
static bool string_element(struct vcpu *v, uint64_t la, unsigned port, unsigned size, bool in)
{
	uint8_t bytes[4];
	uint8_t *p[4];
	for (unsigned b = 0; b < size; b++) {
		uint64_t gpa;
		if (!guest_linear_to_physical(v, la + b, &gpa) || !(p[b] = guest_ptr(&v->mem, gpa, 1)))
			return false;
	}
	if (in) {
		uint32_t val = ioport_in(v, port, size);
		for (unsigned b = 0; b < size; b++)
			*p[b] = (uint8_t)(val >> (8 * b));
	} else {
		uint32_t val = 0;
		for (unsigned b = 0; b < size; b++)
			bytes[b] = *p[b], val |= (uint32_t)bytes[b] << (8 * b);
		ioport_out(v, port, size, val);
	}
	return true;
}

/* INS/OUTS (SDM Vol. 2B): the operand's linear address comes with the exit (segment applied);
 * RSI or RDI and, under REP, RCX advance in the instruction's address size. */
static void string_io(struct vcpu *v, uint64_t q)
{
	unsigned size = IOQ_SIZE(q), port = IOQ_PORT(q);
	bool in = q & IOQ_IN, rep = q & IOQ_REP;
	uint64_t mask = address_mask(vcpu_read(VMCS_EXIT_INSTRUCTION_INFO));
	uint64_t la = vcpu_read(VMCS_GUEST_LINEAR_ADDRESS);
	int64_t step = vcpu_read(VMCS_GUEST_RFLAGS) & RFLAGS_DF ? -(int64_t)size : (int64_t)size;
	unsigned index = in ? GPR_RDI : GPR_RSI;
	uint64_t count = rep ? vcpu_gpr(v, GPR_RCX) & mask : 1, done = 0;
	while (done < count && done < STRING_IO_CHUNK && !v->stopped) {
		if (!string_element(v, la + (uint64_t)step * done, port, size, in)) {
			vcpu_stop(v, "%s on port 0x%x: linear address 0x%llx is not mapped to its memory, RIP 0x%llx",
				  in ? "INS" : "OUTS", port, (unsigned long long)(la + (uint64_t)step * done),
				  (unsigned long long)vcpu_read(VMCS_GUEST_RIP));
			return;
		}
		done++;
	}
	uint64_t reg = vcpu_gpr(v, index);
	vcpu_set_gpr(v, index, (reg & ~mask) | ((reg + (uint64_t)step * done) & mask));
	if (rep) {
		uint64_t rcx = vcpu_gpr(v, GPR_RCX);
		vcpu_set_gpr(v, GPR_RCX, (rcx & ~mask) | ((count - done) & mask));
		if (count - done)
			return; /* not done: the instruction runs again */
	}
	vcpu_skip_instruction();
}

void handle_io(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint64_t q = vcpu_read(VMCS_EXIT_QUALIFICATION);
	unsigned size = IOQ_SIZE(q), port = IOQ_PORT(q);
	if (q & IOQ_STRING) {
		string_io(v, q);
		return;
	}
	uint64_t rax = vcpu_gpr(v, GPR_RAX);
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	if (q & IOQ_IN) {
		uint64_t in = ioport_in(v, port, size) & mask;
		/* SDM Vol. 2A, IN: a 32-bit IN zero-extends into RAX, narrower ones keep the rest. */
		vcpu_set_gpr(v, GPR_RAX, size == 4 ? in : (rax & ~mask) | in);
	} else {
		ioport_out(v, port, size, (uint32_t)(rax & mask));
	}
	vcpu_skip_instruction();
}
