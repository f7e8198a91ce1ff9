/* exit_io.c: I/O instruction exits: the guest's COM1, the isa-debug-exit port, open bus. */
#include "kernel/arch/uart.h"
#include "kernel/console.h"
#include "vmx/abi.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"

/* Intel SDM Vol. 3C, 28.2.1, Table 28-5: I/O instruction qualification. */
#define IOQ_SIZE(q) (((q) & 7) + 1)
#define IOQ_IN (1ull << 3)
#define IOQ_STRING (1ull << 4)
#define IOQ_PORT(q) (((q) >> 16) & 0xffff)

/* What the emulated COM1 answers (PC16550D datasheet). */
#define UART_IIR_NONE 0x01   /* no interrupt pending */
#define UART_LSR_IDLE 0x60   /* THR empty, transmitter empty, no input */
#define UART_MSR_READY 0xb0  /* DCD, DSR, CTS */

void com1_flush(struct vcpu *v)
{
	if (!v->com1.len)
		return;
	v->com1.line[v->com1.len] = 0;
	kprintf("%s: %s\n", v->name, v->com1.line);
	v->com1.len = 0;
}

/* A guest's bytes go to the operator's terminal behind its name: everything but printable ASCII
 * is shown as \xNN, so no guest can move the cursor, clear the screen or forge a Tally line. */
static void com1_put(struct vcpu *v, char c)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b = (uint8_t)c;
	if (c == '\r')
		return;
	if (c == '\n') {
		com1_flush(v);
		return;
	}
	if (b >= 0x20 && b < 0x7f) {
		v->com1.line[v->com1.len++] = c;
	} else {
		char *p = &v->com1.line[v->com1.len];
		p[0] = '\\', p[1] = 'x', p[2] = hex[b >> 4], p[3] = hex[b & 0xf];
		v->com1.len += 4;
	}
	if (v->com1.len >= COM1_LINE_MAX - 5)
		com1_flush(v);
}

static void com1_write(struct vcpu *v, unsigned reg, uint8_t val)
{
	struct com1 *u = &v->com1;
	bool dlab = u->reg[UART_LCR] & UART_LCR_DLAB;
	if (reg == UART_DATA && dlab)
		u->dll = val;
	else if (reg == UART_IER && dlab)
		u->dlm = val;
	else if (reg == UART_DATA)
		com1_put(v, (char)val);
	else
		u->reg[reg] = val;
}

static uint8_t com1_read(struct vcpu *v, unsigned reg)
{
	struct com1 *u = &v->com1;
	bool dlab = u->reg[UART_LCR] & UART_LCR_DLAB;
	switch (reg) {
	case UART_DATA: return dlab ? u->dll : 0;
	case UART_IER: return dlab ? u->dlm : u->reg[UART_IER];
	case UART_IIR: return UART_IIR_NONE;
	case UART_LSR: return UART_LSR_IDLE;
	case UART_MSR: return UART_MSR_READY;
	}
	return u->reg[reg];
}

static void port_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	if (port >= COM1_BASE && port < COM1_BASE + 8) {
		com1_write(v, port - COM1_BASE, (uint8_t)val);
	} else if (port == TALLY_EXIT_PORT) {
		com1_flush(v);
		v->exited = true;
		v->exit_code = size == 4 ? val : val & ((1u << (8 * size)) - 1);
		v->stopped = true;
		kprintf("guest %s: exited through port 0x%x with code %u\n", v->name, TALLY_EXIT_PORT, v->exit_code);
	}
	/* Every other port: writes go nowhere, as on an empty ISA bus. */
}

static uint32_t port_in(struct vcpu *v, unsigned port)
{
	if (port >= COM1_BASE && port < COM1_BASE + 8)
		return com1_read(v, port - COM1_BASE);
	return 0xffffffffu; /* open bus reads all ones */
}

void handle_io(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	unsigned size = IOQ_SIZE(q), port = IOQ_PORT(q);
	if (q & IOQ_STRING) {
		vcpu_stop(v, "string I/O (INS/OUTS) on port 0x%x is not emulated, RIP 0x%llx", port,
			  (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
		return;
	}
	uint64_t rax = vcpu_gpr(v, GPR_RAX);
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	if (q & IOQ_IN) {
		uint64_t in = port_in(v, port) & mask;
		/* SDM Vol. 2A, IN: a 32-bit IN zero-extends into RAX, narrower ones keep the rest. */
		vcpu_set_gpr(v, GPR_RAX, size == 4 ? in : (rax & ~mask) | in);
	} else {
		port_out(v, port, size, (uint32_t)(rax & mask));
	}
	vmcs_skip_instruction();
}
