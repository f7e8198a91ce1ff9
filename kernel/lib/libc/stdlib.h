/* stdlib.h: the few C library functions the kernel provides for portable code (kernel/lib/string.c);
 * malloc and free are the kernel heap. */
#ifndef KERNEL_LIBC_STDLIB_H
#define KERNEL_LIBC_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int abs(int v);

#endif
