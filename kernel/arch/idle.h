/* idle.h: sleeping when nothing can run: the local APIC timer wakes a hlt, so an idle Tally gives
 * its CPU back (to the host, under QEMU) instead of spinning in its polling loop. */
#ifndef KERNEL_IDLE_H
#define KERNEL_IDLE_H

#include <stdint.h>

/* Masks the legacy PICs and sets up the local APIC's one-shot timer; without an APIC, idling
 * stays a no-op (the loop spins as before). */
void idle_init(void);
/* The banner's line about it: the timer's rate, or that the loop polls without sleeping. */
void idle_describe(void);
/* Sleeps about us microseconds (woken early by nothing: devices are polled). */
void idle_wait(uint32_t us);

#endif
