/* idle.c: a hlt woken by the local APIC's one-shot timer (Intel SDM Vol. 3A, 11.5.4), the only
 * interrupt Tally ever takes, and only inside idle_wait(). */
#include <stdbool.h>

#include "kernel/arch/idle.h"
#include "kernel/arch/idt.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"

#define APIC_BASE_ENABLE (1u << 11)
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_DIVIDE_BY_16 0x3
#define VEC_IDLE_TIMER 0x40
#define VEC_SPURIOUS 0xff
#define CALIBRATE_NS 10000000u

extern void idle_timer_isr(void);
extern void spurious_isr(void);

volatile uint32_t *apic_eoi; /* written by idle_timer_isr (isr.asm) */
static volatile uint32_t *apic;
static uint64_t ticks_per_ms;

static uint32_t apic_read(uint32_t reg) { return apic[reg / 4]; }
static void apic_write(uint32_t reg, uint32_t v) { apic[reg / 4] = v; }

void idle_init(void)
{
	struct cpuid_regs r;
	cpuid(1, 0, &r);
	if (!(r.edx & (1u << 9)))
		return;
	outb(0x21, 0xff); /* the 8259s stay masked: their vectors would collide with exceptions */
	outb(0xa1, 0xff);
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	apic = (volatile uint32_t *)(uintptr_t)(base & 0xfffff000u); /* inside the identity-mapped 4 GiB */
	apic_eoi = &apic[APIC_EOI / 4];
	idt_set_gate(VEC_IDLE_TIMER, idle_timer_isr);
	idt_set_gate(VEC_SPURIOUS, spurious_isr);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_16);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_IDLE_TIMER);
	apic_write(APIC_TIMER_INIT, 0xffffffffu); /* counts down, masked: measure its rate by the TSC */
	uint64_t t0 = time_ns();
	while (time_ns() - t0 < CALIBRATE_NS)
		;
	uint32_t elapsed = 0xffffffffu - apic_read(APIC_TIMER_CURRENT);
	apic_write(APIC_TIMER_INIT, 0);
	ticks_per_ms = (uint64_t)elapsed * 1000000u / CALIBRATE_NS;
	apic_write(APIC_LVT_TIMER, VEC_IDLE_TIMER); /* one-shot, unmasked: it fires only when armed */
}

void idle_describe(void)
{
	if (!apic)
		log_info("idle: no local APIC: the main loop polls without sleeping\n");
	else
		log_info("idle: local APIC timer at %llu ticks/ms wakes the idle loop\n",
			 (unsigned long long)ticks_per_ms);
}

void idle_wait(uint32_t us)
{
	uint64_t ticks = ticks_per_ms * us / 1000;
	if (!ticks)
		return;
	apic_write(APIC_TIMER_INIT, ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
	__asm__ volatile("sti; hlt; cli" ::: "memory"); /* sti's shadow covers hlt: no lost wake-up */
}

bool idle_timer_arm_ns(uint64_t ns)
{
	if (!apic)
		return false;
	uint64_t ticks = ticks_per_ms * ns / 1000000;
	apic_write(APIC_TIMER_INIT, ticks > 0xffffffffu ? 0xffffffffu : ticks ? (uint32_t)ticks : 1);
	return true;
}

void idle_timer_stop(void)
{
	if (apic)
		apic_write(APIC_TIMER_INIT, 0);
}

void idle_timer_take(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory"); /* the pending interrupt is taken after sti's shadow */
}
