/* shell.h: the serial console shell. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* Prints how to use the shell; the first prompt comes with the first Enter. */
void shell_start(void);
/* Takes whatever input is waiting on COM1; runs a command per complete line. Never blocks. */
void shell_poll(void);

#endif
