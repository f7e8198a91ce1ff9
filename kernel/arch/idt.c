/* idt.c: the interrupt descriptor table; every CPU exception is a hypervisor bug and panics. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/gdt.h"
#include "kernel/arch/idt.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/x86.h"

_Static_assert(offsetof(struct trap_frame, vector) == 15 * 8, "isr.asm pushes 15 registers");
_Static_assert(offsetof(struct trap_frame, rip) == 17 * 8, "CPU frame follows vector, error code");

/* Intel SDM Vol. 3A, 6.14.1: 64-bit interrupt gate. */
struct __attribute__((packed)) idt_gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

#define GATE_INTERRUPT_PRESENT 0x8e
#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_MACHINE_CHECK 18

extern const uint64_t isr_table[32];
static struct idt_gate idt[256];

void idt_init(void)
{
	for (int v = 0; v < 32; v++) {
		uint64_t a = isr_table[v];
		bool own_stack = v == VEC_NMI || v == VEC_DOUBLE_FAULT || v == VEC_MACHINE_CHECK;
		idt[v] = (struct idt_gate){
			.offset_lo = a & 0xffff,
			.selector = GDT_KERNEL_CS,
			.ist = own_stack ? 1 : 0,
			.type_attr = GATE_INTERRUPT_PRESENT,
			.offset_mid = (a >> 16) & 0xffff,
			.offset_hi = a >> 32,
		};
	}
	struct descriptor_ptr p = { sizeof(idt) - 1, (uintptr_t)idt };
	lidt(&p);
}

void idt_set_gate(int vector, void (*handler)(void))
{
	uint64_t a = (uintptr_t)handler;
	idt[vector] = (struct idt_gate){
		.offset_lo = a & 0xffff,
		.selector = GDT_KERNEL_CS,
		.type_attr = GATE_INTERRUPT_PRESENT,
		.offset_mid = (a >> 16) & 0xffff,
		.offset_hi = a >> 32,
	};
}

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
	"#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor segment overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD exception", "#VE virtualization exception", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26", "reserved 27",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security exception", "reserved 31",
};

void trap_handler(struct trap_frame *tf)
{
	panic_frame(tf, tf->vector < 32 ? exception_names[tf->vector] : "unknown vector");
}
