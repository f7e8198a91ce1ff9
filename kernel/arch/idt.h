/* idt.h: the interrupt descriptor table: CPU exceptions panic; Tally's own timer vector is set by idle.c. */
#ifndef KERNEL_IDT_H
#define KERNEL_IDT_H

/* Loads the IDT with a gate for each of the 32 exception vectors (kernel/arch/isr.asm). */
void idt_init(void);
/* Points vector at handler (an interrupt gate); for the few interrupts Tally takes (kernel/arch/idle.c). */
void idt_set_gate(int vector, void (*handler)(void));

#endif
