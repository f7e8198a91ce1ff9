/* keyboard.h: the PS/2 keyboard behind an i8042 controller, polled; its keys reach the shell as
 * the bytes a serial terminal sends (kernel/dev/keymap.h). */
#ifndef KERNEL_DEV_KEYBOARD_H
#define KERNEL_DEV_KEYBOARD_H

#include <stdbool.h>

/* Finds the controller and which scan code set it delivers; says so on the console (Keyboard:).
 * False when there is no i8042 (many UEFI-only machines without legacy USB emulation). */
bool keyboard_init(void);
/* The next byte typed, or -1 when none is waiting. */
int keyboard_getc(void);
/* Whether keyboard_init found one. */
bool keyboard_present(void);

#endif
