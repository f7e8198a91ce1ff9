/* dev_uart.c: the 16550A: divisor latch, FIFO control, interrupt identification, loopback, LSR/MSR. */
#include <string.h>

#include "kernel/arch/uart.h"
#include "vmx/dev_uart.h"

/* National Semiconductor PC16550D datasheet, tables 2-4. */
#define IER_RDI 0x01          /* received data available */
#define IER_THRI 0x02         /* THR empty */
#define IER_MASK 0x0f
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_FIFO_ENABLED 0xc0 /* bits 7:6 = 11 on a 16550A with FIFOs on */
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08         /* PC wiring: gates the IRQ line */
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_LINE_UP (MSR_DCD | MSR_DSR | MSR_CTS) /* a terminal is attached */

void uart_init(struct uart *u)
{
	memset(u, 0, sizeof(*u));
	u->thre_pending = false;
}

static uint8_t iir(const struct uart *u)
{
	uint8_t fifo = u->fifo_enabled ? IIR_FIFO_ENABLED : 0;
	if ((u->ier & IER_RDI) && u->rx_len)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NONE;
}

bool uart_irq_line(const struct uart *u)
{
	return (u->mcr & MCR_OUT2) && !(iir(u) & IIR_NONE);
}

bool uart_receive(struct uart *u, uint8_t byte)
{
	if (u->rx_len == UART_RX_BUFFER)
		return false;
	u->rx[(u->rx_head + u->rx_len++) % UART_RX_BUFFER] = byte;
	return true;
}

static uint8_t rx_pop(struct uart *u)
{
	if (!u->rx_len)
		return 0;
	uint8_t b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_BUFFER;
	u->rx_len--;
	return b;
}

/* Loopback (datasheet, MCR bit 4): DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static uint8_t modem_status(const struct uart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return MSR_LINE_UP;
	return (uint8_t)((u->mcr & MCR_DTR ? MSR_DSR : 0) | (u->mcr & MCR_RTS ? MSR_CTS : 0) |
			 (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0));
}

int uart_write(struct uart *u, unsigned reg, uint8_t val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	switch (reg) {
	case UART_DATA:
		if (dlab) {
			u->dll = val;
			return -1;
		}
		u->thre_pending = true; /* sent at once: THR is empty again */
		if (u->mcr & MCR_LOOP) {
			uart_receive(u, val);
			return -1;
		}
		return val;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
		} else {
			/* Enabling THRI while THR is empty raises the interrupt (PC16550D, IIR). */
			if ((val & IER_THRI) && !(u->ier & IER_THRI))
				u->thre_pending = true;
			u->ier = val & IER_MASK;
		}
		return -1;
	case UART_FCR:
		u->fifo_enabled = val & FCR_ENABLE;
		if (val & FCR_CLEAR_RX)
			u->rx_len = 0;
		return -1;
	case UART_LCR: u->lcr = val; return -1;
	case UART_MCR: u->mcr = val & MCR_MASK; return -1;
	case UART_LSR: return -1; /* factory test only */
	case UART_MSR: return -1;
	case UART_SCR: u->scr = val; return -1;
	}
	return -1;
}

uint8_t uart_read(struct uart *u, unsigned reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	switch (reg) {
	case UART_DATA: return dlab ? u->dll : rx_pop(u);
	case UART_IER: return dlab ? u->dlm : u->ier;
	case UART_IIR: {
		uint8_t v = iir(u);
		if ((v & 0x0f) == IIR_THRI)
			u->thre_pending = false; /* reading IIR clears the THRE interrupt */
		return v;
	}
	case UART_LCR: return u->lcr;
	case UART_MCR: return u->mcr;
	case UART_LSR: return (uint8_t)(UART_LSR_THR_EMPTY | UART_LSR_TX_IDLE | (u->rx_len ? UART_LSR_DATA_READY : 0));
	case UART_MSR: return modem_status(u);
	case UART_SCR: return u->scr;
	}
	return 0xff;
}
