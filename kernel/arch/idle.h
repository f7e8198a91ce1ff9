/* idle.h: sleeping when nothing can run: the local APIC timer wakes a hlt, so an idle Tally gives
 * its CPU back (to the host, under QEMU) instead of spinning in its polling loop. */
#ifndef KERNEL_IDLE_H
#define KERNEL_IDLE_H

#include <stdbool.h>
#include <stdint.h>

/* Masks the legacy PICs and sets up the local APIC's one-shot timer; without an APIC, idling
 * stays a no-op (the loop spins as before). */
void idle_init(void);
/* The banner's line about it: the timer's rate, or that the loop polls without sleeping. */
void idle_describe(void);
/* Sleeps about us microseconds (woken early by nothing: devices are polled). */
void idle_wait(uint32_t us);
/* The same timer as a preemption timer for a guest (the SVM backend): its interrupt, taken while a
 * guest runs, makes that guest exit. Arms it about ns from now (false without a local APIC);
 * idle_timer_stop() disarms it. idle_timer_take() lets a fired one be taken (its EOI). */
bool idle_timer_arm_ns(uint64_t ns);
void idle_timer_stop(void);
void idle_timer_take(void);

#endif
