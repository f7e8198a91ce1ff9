/* console.c: COM1 16550 UART, polled, 115200 8N1; the kernel's printf and log levels. The screen
 * shows the same output (kernel/dev/screen.c) and the PS/2 keyboard types like the serial line. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/arch/uart.h"
#include "kernel/arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/dev/keyboard.h"
#include "kernel/dev/screen.h"
#include "kernel/lib/format.h"
#include "kernel/options.h"

#define UART_CLOCK_DIVISOR 1 /* 1.8432 MHz / 16 / 1 = 115200 baud */

static bool uart_present;
static bool at_line_start = true;
static enum log_level current_level = LOG_INFO;

void console_init(void)
{
	outb(COM1_BASE + UART_SCR, 0x5a);
	uart_present = inb(COM1_BASE + UART_SCR) == 0x5a;
	outb(COM1_BASE + UART_IER, 0);
	outb(COM1_BASE + UART_LCR, UART_LCR_DLAB);
	outb(COM1_BASE + UART_DATA, UART_CLOCK_DIVISOR & 0xff);
	outb(COM1_BASE + UART_IER, UART_CLOCK_DIVISOR >> 8);
	outb(COM1_BASE + UART_LCR, UART_LCR_8N1);
	outb(COM1_BASE + UART_FCR, 0xc7);
	outb(COM1_BASE + UART_MCR, 0x03);
}

static void uart_put(char c)
{
	/* Bounded wait: a missing or wedged UART must not hang the hypervisor. */
	for (int spins = 0; spins < 1000000; spins++) {
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(COM1_BASE + UART_DATA, (uint8_t)c);
}

/* Output before the screen could start (it needs the boot information and the heap), replayed on it. */
static char early[4096];
static size_t early_len;
static bool screen_decided, screen_on, in_screen;

static void screen_put(char c)
{
	if (screen_on && !in_screen) { /* a fault while drawing must not draw its report */
		in_screen = true;
		screen_putc(c);
		in_screen = false;
	} else if (!screen_decided && early_len < sizeof(early)) {
		early[early_len++] = c;
	}
}

void console_putc(char c)
{
	screen_put(c);
	at_line_start = c == '\n';
	if (!uart_present)
		return;
	if (c == '\n')
		uart_put('\r');
	uart_put(c);
}

void console_screen_start(void)
{
	screen_decided = true;
	int choice = option_choice("screen");
	if (choice == SCREEN_OFF) {
		screen_disable();
		return;
	}
	if (choice == -2)
		log_warn("command line: screen=%s is not on or off; the screen stays on\n", option_get("screen"));
	if (!screen_init(&boot_info.fb))
		return;
	screen_on = true;
	for (size_t i = 0; i < early_len; i++)
		screen_putc(early[i]);
	screen_flush();
}

static unsigned breaks;

void console_begin_line(void)
{
	if (!at_line_start) {
		console_putc('\n');
		breaks++;
	}
}

unsigned console_breaks(void)
{
	return breaks;
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_putc(s[i]);
}

int console_getc(void)
{
	if (uart_present && (inb(COM1_BASE + UART_LSR) & UART_LSR_DATA_READY))
		return inb(COM1_BASE + UART_DATA);
	return keyboard_getc();
}

void console_flush(void)
{
	if (screen_on && !in_screen)
		screen_flush();
	for (int spins = 0; uart_present && spins < 10000000; spins++) {
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_TX_IDLE)
			return;
		cpu_relax();
	}
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return format_v(console_sink, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return format_vsnprintf(buf, size, fmt, ap);
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void log_set_level(enum log_level level)
{
	current_level = level;
}

void klog(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };
	if (level > current_level)
		return;
	kprintf("%s", prefix[level]);
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
