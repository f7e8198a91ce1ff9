/* kernel.h: what kernel/ and vmx/ call of each other: kernel_poll, the vmx_ entry points, the version. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdbool.h>

/* One turn of everything that is not the VMX guest: serial input (shell), network, migrations,
 * one slice of each MIPS VM. The VMX run loop (vmx/run.c) calls it after a preemption-timer exit,
 * or after any exit once 2 ms have passed; it never blocks. True when some MIPS VM can run on its
 * next turn (otherwise the caller may sleep). */
bool kernel_poll(void);

/* The VMX part of Tally (vmx/). vmx_report_caps() prints the capability line of the banner;
 * vmx_run_guests() runs every "guest" module to its end and returns. */
void vmx_report_caps(void);
void vmx_run_guests(void);
/* Prints the exit statistics table over all VMX guests so far (the shell's "stats"). */
void vmx_print_statistics(void);
/* Shell views: one line per guest that ran or runs; one guest's table (-1: no such guest). */
void vmx_list_guests(void);
int vmx_print_guest_statistics(const char *name);

extern const char tally_version[];

#endif
