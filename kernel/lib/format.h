/* format.h: printf-style formatting into a sink; shared by the console and by hosted tests. */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_sink)(void *ctx, char c);

/* Returns the number of characters produced. */
int format_v(format_sink sink, void *ctx, const char *fmt, va_list ap);
int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
