/* panic.h: the first failure tier: a broken hypervisor invariant stops the machine with a dump. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>

/* Saved by the exception stubs in kernel/isr.asm; the layout is fixed there. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Prints "PANIC: <message>", registers of the caller, a backtrace, and powers off. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Prints a full register dump of frame (exceptions) and powers off. */
void panic_frame(const struct trap_frame *tf, const char *why) __attribute__((noreturn));

#define KASSERT(cond)                                                                   \
	do {                                                                            \
		if (!(cond))                                                            \
			panic("%s:%d: %s: assertion '%s' failed", __FILE__, __LINE__,   \
			      __func__, #cond);                                         \
	} while (0)

void idt_init(void);
/* Points vector at handler (an interrupt gate); for the few interrupts Tally takes (kernel/idle.c). */
void idt_set_gate(int vector, void (*handler)(void));

#endif
