/* arch/cc.h: lwIP's port to the Tally kernel: types, printf formats, diagnostics, random numbers. */
#ifndef KERNEL_LWIP_ARCH_CC_H
#define KERNEL_LWIP_ARCH_CC_H

#include <stdint.h>

/* gcc's limits.h does not work under -nostdinc, and there is no inttypes.h, ctype.h or unistd.h
 * (MACHINES.md, lwIP): lwIP then uses its own definitions. */
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define INT_MAX __INT_MAX__

#define BYTE_ORDER LITTLE_ENDIAN

/* kprintf formats for lwIP's integer types (lwip/arch.h). */
#define X8_F "02x"
#define U16_F "hu"
#define S16_F "hd"
#define X16_F "hx"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_lwip_assert(const char *msg, int line, const char *file) __attribute__((noreturn));
uint32_t net_rand(void);

#define LWIP_PLATFORM_DIAG(x) do { kprintf x; } while (0)
/* An lwIP assertion is a broken invariant inside the hypervisor (tier a): it panics. Bad packets
 * never reach it: lwIP checks input with LWIP_ERROR and drops. */
#define LWIP_PLATFORM_ASSERT(x) net_lwip_assert(x, __LINE__, __FILE__)
#define LWIP_RAND() net_rand()

#endif
