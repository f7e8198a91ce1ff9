/* screen.h: the screen console: everything the serial console prints, drawn on the screen GRUB
 * left (VGA text mode, or a linear framebuffer under UEFI or a VBE mode) in the built-in PSF font,
 * scrolling, with a status line at the bottom. Serial stays the primary console. */
#ifndef KERNEL_DEV_SCREEN_H
#define KERNEL_DEV_SCREEN_H

#include <stdbool.h>

struct boot_framebuffer;

/* Takes the screen described by fb (boot_info.fb; needs the heap). False when there is none to
 * draw on; screen_describe() then says why. */
bool screen_init(const struct boot_framebuffer *fb);
/* Records that screen=off kept the screen untouched (for screen_describe). */
void screen_disable(void);
/* One byte of console output: printable Latin-1, \n, \r, \b and \t; ECMA-48 escape sequences
 * (a guest's) and other control bytes are dropped. */
void screen_putc(char c);
/* The bottom line, in inverse video (cut to the screen's width). */
void screen_status(const char *text);
/* Draws what was written since the last flush (output is drawn in batches). */
void screen_flush(void);
/* Flushes (at most every SCREEN_FLUSH_CYCLES) and moves the hardware (or drawn) cursor to where
 * the next character goes; called from the loop. */
void screen_sync_cursor(void);
/* The banner's Screen: line. */
void screen_describe(void);

#endif
