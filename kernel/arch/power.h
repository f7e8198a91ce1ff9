/* power.h: the orderly end of the machine. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/* Flushes the console and powers off: QEMU isa-debug-exit (status (code<<1)|1), ACPI S5 (saying
 * so first), Bochs port 0x8900, else cli; hlt forever. */
void machine_exit(int code) __attribute__((noreturn));
/* Resets the machine: the FADT's reset register, the keyboard controller, port 0xcf9, a triple
 * fault; each says its line before it is tried, so the last line names the one that worked. */
void machine_reboot(void) __attribute__((noreturn));

#endif
