/* uart.h: the PC 16550 UART at COM1, used by Tally's console and emulated for guests. */
#ifndef KERNEL_UART_H
#define KERNEL_UART_H

/* Register offsets from the base port (National Semiconductor PC16550D datasheet, table 2). */
#define COM1_BASE 0x3f8
#define UART_DATA 0 /* RBR on read, THR on write */
#define UART_IER 1
#define UART_IIR 2 /* read; FCR on write */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_LSR_DATA_READY 0x01
#define UART_LSR_THR_EMPTY 0x20
#define UART_LSR_TX_IDLE 0x40 /* transmitter holding and shift registers both empty */

#endif
