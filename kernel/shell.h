/* shell.h: the serial console shell. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* Prints the first prompt. */
void shell_start(void);
/* Takes whatever input is waiting on COM1; runs a command per complete line. Never blocks. */
void shell_poll(void);
/* Runs one command line as if typed (tests, the boot command line). */
void shell_execute(char *line);

#endif
