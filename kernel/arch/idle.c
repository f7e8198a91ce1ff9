/* idle.c: a hlt woken by the local APIC's one-shot timer (Intel SDM Vol. 3A, 11.5.4), the only
 * interrupt Tally ever takes, and only inside idle_wait(). */
#include <stdbool.h>

#include "kernel/arch/idle.h"
#include "kernel/arch/idt.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"

/* Intel SDM Vol. 3A, 11.4.4 (IA32_APIC_BASE) and 11.12 (x2APIC): bit 11 enables the APIC, bit 10
 * (EXTD) puts it in x2APIC mode, where the registers are MSRs 0x800 + (MMIO offset >> 4) and the
 * MMIO page no longer answers. */
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define X2APIC_MSR_BASE 0x800
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
#define CALIBRATE_ROUNDS 3

extern void idle_timer_isr(void);
extern void spurious_isr(void);

/* Read by idle_timer_isr (isr.asm): the xAPIC EOI register, or NULL in x2APIC mode (EOI by WRMSR). */
volatile uint32_t *apic_eoi;
static volatile uint32_t *apic; /* the xAPIC MMIO page; NULL in x2APIC mode */
static bool x2apic, present;
static const char *mode = "";
static uint64_t ticks_per_ms;

static uint32_t apic_read(uint32_t reg)
{
	return x2apic ? (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4)) : apic[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		apic[reg / 4] = v;
}

/* x2APIC when the CPU has it: as the firmware left it, or switched on here (enabled xAPIC ->
 * x2APIC, SDM Vol. 3A, 11.12.5); the MMIO page only on CPUs without it. One way for every machine
 * that can: firmware that hands over in x2APIC mode finds the same code as one that does not. */
static void apic_enable(uint32_t cpuid1_ecx)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	if (base & APIC_BASE_X2APIC) {
		mode = "x2APIC mode (MSRs), as the firmware left it";
	} else if (cpuid1_ecx & CPUID_1_ECX_X2APIC) {
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE); /* disabled -> x2APIC at once is #GP */
		base |= APIC_BASE_X2APIC;
		mode = "x2APIC mode (MSRs), switched on by Tally";
	} else {
		base |= APIC_BASE_ENABLE;
		apic = (volatile uint32_t *)(uintptr_t)(base & 0xfffff000u); /* inside the identity-mapped 4 GiB */
		apic_eoi = &apic[APIC_EOI / 4];
		mode = "xAPIC mode (MMIO page)";
	}
	wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	x2apic = base & APIC_BASE_X2APIC;
}

/* The timer's ticks per ms, counting down masked, by the TSC: time read before the first count
 * and after the last, so a delay only lengthens a run (fewer ticks per ms); the most of
 * CALIBRATE_ROUNDS runs wins. */
static uint64_t timer_rate(void)
{
	uint64_t best = 0;
	for (int i = 0; i < CALIBRATE_ROUNDS; i++) {
		apic_write(APIC_TIMER_INIT, 0xffffffffu);
		uint64_t t0 = time_ns();
		uint32_t c0 = apic_read(APIC_TIMER_CURRENT), c1;
		uint64_t ns;
		do {
			c1 = apic_read(APIC_TIMER_CURRENT);
			ns = time_ns() - t0;
		} while (ns < CALIBRATE_NS);
		uint64_t rate = (uint64_t)(c0 - c1) * 1000000u / ns;
		if (rate > best)
			best = rate;
	}
	apic_write(APIC_TIMER_INIT, 0);
	return best;
}

void idle_init(void)
{
	struct cpuid_regs r;
	cpuid(1, 0, &r);
	if (!(r.edx & CPUID_1_EDX_APIC))
		return;
	outb(0x21, 0xff); /* the 8259s stay masked: their vectors would collide with exceptions */
	outb(0xa1, 0xff);
	apic_enable(r.ecx);
	present = true;
	idt_set_gate(VEC_IDLE_TIMER, idle_timer_isr);
	idt_set_gate(VEC_SPURIOUS, spurious_isr);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_16);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_IDLE_TIMER);
	ticks_per_ms = timer_rate();
	apic_write(APIC_LVT_TIMER, VEC_IDLE_TIMER); /* one-shot, unmasked: it fires only when armed */
}

void idle_describe(void)
{
	if (!present)
		log_info("idle: no local APIC: the main loop polls without sleeping\n");
	else
		log_info("idle: local APIC timer at %llu ticks/ms wakes the idle loop; %s\n",
			 (unsigned long long)ticks_per_ms, mode);
}

void idle_wait(uint32_t us)
{
	uint64_t ticks = ticks_per_ms * us / 1000;
	if (!ticks)
		return;
	apic_write(APIC_TIMER_INIT, ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
	__asm__ volatile("sti; hlt; cli" ::: "memory"); /* sti's shadow covers hlt: no lost wake-up */
}
