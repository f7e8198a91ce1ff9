/* dev_i8042.c: the i8042 keyboard controller as far as a reset request, and system control port A (0x92). */
#include "vmx/dev_board.h"
#include "vmx/vcpu.h"

/* IBM PC/AT Technical Reference and Intel 8042 datasheet: status at 0x64 read, commands at 0x64 write. */
#define I8042_STATUS_EMPTY 0x00  /* no output, input buffer free, nothing attached answers */
#define I8042_CMD_PULSE_RESET 0xfe /* pulse output port bit 0: the CPU's RESET line */
#define I8042_NO_DATA 0xff
/* Intel I/O controller hubs, "Port 92h": bit 0 fast init (reset), bit 1 A20 gate. */
#define PORT92_RESET 0x01
#define PORT92_A20 0x02

uint32_t i8042_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)v;
	(void)size;
	return port == I8042_STATUS ? I8042_STATUS_EMPTY : I8042_NO_DATA;
}

void i8042_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)size;
	if (port == I8042_STATUS && (uint8_t)val == I8042_CMD_PULSE_RESET)
		vcpu_reset_request(v, "i8042 command 0xfe");
	/* Other commands and data go to a controller with nothing attached. */
}

uint32_t port92_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)port;
	(void)size;
	return v->plat.port92 | PORT92_A20;
}

void port92_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)port;
	(void)size;
	/* Fast init is the 0 -> 1 transition of bit 0. */
	if ((val & PORT92_RESET) && !(v->plat.port92 & PORT92_RESET))
		vcpu_reset_request(v, "port 0x92 bit 0");
	else
		v->plat.port92 = (uint8_t)(val & ~PORT92_A20);
}
