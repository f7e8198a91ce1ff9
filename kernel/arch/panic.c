/* panic.c: register dumps and a frame-pointer backtrace, then an orderly stop. */
#include <stdint.h>

#include "kernel/arch/panic.h"
#include "kernel/arch/power.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"

#define BACKTRACE_MAX 16
#define PANIC_EXIT_CODE 3

extern char kernel_start[], kernel_end[];

static int panicking;

static void dump_control_registers(void)
{
	kprintf("CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx\n", (unsigned long long)read_cr0(),
		(unsigned long long)read_cr2(), (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

/* Walks saved RBPs while they look like frames on a stack (aligned, ascending, in mapped low
 * memory); return addresses inside the kernel image are printed for addr2line. */
static void backtrace(uint64_t rbp, uint64_t rip)
{
	kprintf("backtrace (addr2line -e build/tally.elf ADDR):\n  #0 %016llx\n", (unsigned long long)rip);
	for (int depth = 1; depth < BACKTRACE_MAX; depth++) {
		if (rbp == 0 || rbp % 8 || rbp >= (4ull << 30))
			break;
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
		uint64_t ret = frame[1];
		if (ret < (uintptr_t)kernel_start || ret >= (uintptr_t)kernel_end)
			break;
		kprintf("  #%d %016llx\n", depth, (unsigned long long)ret);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

static void panic_enter(void)
{
	cli();
	if (panicking++) {
		/* A fault while reporting a fault: say so once and stop without more reporting. */
		if (panicking == 2)
			kprintf("\nPANIC: nested fault while panicking\n");
		machine_exit(PANIC_EXIT_CODE);
	}
}

void panic_frame(const struct trap_frame *tf, const char *why)
{
	panic_enter();
	kprintf("\nPANIC: CPU exception: vector %llu (%s), error code 0x%llx\n", (unsigned long long)tf->vector,
		why, (unsigned long long)tf->error_code);
	kprintf("RIP=%016llx CS=%04llx RFLAGS=%016llx RSP=%016llx SS=%04llx\n", (unsigned long long)tf->rip,
		(unsigned long long)tf->cs, (unsigned long long)tf->rflags, (unsigned long long)tf->rsp,
		(unsigned long long)tf->ss);
	dump_control_registers();
	kprintf("RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n", (unsigned long long)tf->rax,
		(unsigned long long)tf->rbx, (unsigned long long)tf->rcx, (unsigned long long)tf->rdx);
	kprintf("RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n", (unsigned long long)tf->rsi,
		(unsigned long long)tf->rdi, (unsigned long long)tf->rbp, (unsigned long long)tf->rsp);
	kprintf("R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n", (unsigned long long)tf->r8,
		(unsigned long long)tf->r9, (unsigned long long)tf->r10, (unsigned long long)tf->r11);
	kprintf("R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n", (unsigned long long)tf->r12,
		(unsigned long long)tf->r13, (unsigned long long)tf->r14, (unsigned long long)tf->r15);
	backtrace(tf->rbp, tf->rip);
	kprintf("Tally stopped.\n");
	machine_exit(PANIC_EXIT_CODE);
}

void panic(const char *fmt, ...)
{
	panic_enter();
	kprintf("\nPANIC: ");
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\nRFLAGS=%016llx\n", (unsigned long long)read_rflags());
	dump_control_registers();
	/* #0 is panic's caller; the walk continues from the caller's saved frame. */
	const uint64_t *own_frame = __builtin_frame_address(0);
	backtrace(own_frame[0], (uintptr_t)__builtin_return_address(0));
	kprintf("Tally stopped.\n");
	machine_exit(PANIC_EXIT_CODE);
}
