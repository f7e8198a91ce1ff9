/* tsc.h: time from the time-stamp counter, calibrated at boot. */
#ifndef KERNEL_TSC_H
#define KERNEL_TSC_H

#include <stdint.h>

void tsc_init(void);
uint64_t tsc_hz(void);
/* How the frequency was found: "CPUID 0x15", "CPUID 0x16" or "PIT calibration". */
const char *tsc_source(void);
uint64_t tsc_cycles_to_ns(uint64_t cycles);
uint64_t tsc_ns_to_cycles(uint64_t ns);
/* Nanoseconds / milliseconds since tsc_init(). */
uint64_t time_ns(void);
uint64_t time_ms(void);
void delay_us(uint64_t us);

#endif
