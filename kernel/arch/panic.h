/* panic.h: the first failure tier: a broken hypervisor invariant stops the machine with a dump. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>

/* Saved by the exception stubs in kernel/arch/isr.asm; the layout is fixed there. */
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

#endif
