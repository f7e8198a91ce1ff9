/* vmx_host_stubs.c: the two kernel services vmx/'s loaders use, for their hosted tests. */
#include <stdarg.h>
#include <stdio.h>

#include "vmx/loader.h"

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void *guest_ptr(const struct guest_memory *m, uint64_t gpa, uint64_t len)
{
	if (gpa > m->size || len > m->size - gpa)
		return NULL;
	return (void *)(uintptr_t)(m->base + gpa);
}
