/* power.h: the orderly end of the machine. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/* Flushes the console and powers off: QEMU isa-debug-exit (status (code<<1)|1), Bochs port 0x8900,
 * ACPI S5, else cli; hlt forever. */
void machine_exit(int code) __attribute__((noreturn));

#endif
