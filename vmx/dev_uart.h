/* dev_uart.h: the guest's 16550A on COM1 (0x3f8-0x3ff, IRQ4) with FIFOs and a receive buffer, pure logic. */
#ifndef VMX_DEV_UART_H
#define VMX_DEV_UART_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes typed for the guest wait here (the 16-byte receive FIFO plus what the console sends ahead). */
#define UART_RX_BUFFER 256

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo_enabled;
	bool thre_pending;   /* the THR-empty interrupt is set until IIR reports it or THR is written */
	uint8_t rx[UART_RX_BUFFER];
	unsigned rx_head, rx_len;
};

void uart_init(struct uart *u);
/* A register write (reg 0-7); returns the byte to transmit, or -1 (loopback keeps it). */
int uart_write(struct uart *u, unsigned reg, uint8_t val);
uint8_t uart_read(struct uart *u, unsigned reg);
/* A byte arrives on the line; false when the buffer is full (the byte is dropped). */
bool uart_receive(struct uart *u, uint8_t byte);
/* The level of the IRQ line: an interrupt is pending and OUT2 lets it onto the ISA bus. */
bool uart_irq_line(const struct uart *u);

#endif
