/* console.h: the kernel's output: printf family over the COM1 serial console (and the screen), with
 * log levels; input from COM1 and the PS/2 keyboard. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);
/* Ends a partly written line (a shell prompt) so that what follows starts on its own line. */
void console_begin_line(void);
/* How many times console_begin_line had to end a partly written line: the shell redraws its prompt
 * and typed text when this moves. */
unsigned console_breaks(void);
/* Starts the screen console (unless screen=off) and shows on it what was printed so far. Needs
 * the boot information, the options and the heap. */
void console_screen_start(void);
/* Returns the next input byte from COM1 or the PS/2 keyboard, or -1 when none is waiting (polled). */
int console_getc(void);
/* Waits until the 16550 transmitter is empty (LSR bit 6): nothing printed is lost on power-off. */
void console_flush(void);

/* Formats: %d %i %u %x %X %o %c %s %p %%, flags '-' '0', field width, '*', and
 * length modifiers hh h l ll z t j. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Messages above the current level (loglevel= on the command line) are dropped. */
void log_set_level(enum log_level level);
void klog(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...) klog(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) klog(LOG_WARN, __VA_ARGS__)
#define log_info(...) klog(LOG_INFO, __VA_ARGS__)
#define log_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

#endif
