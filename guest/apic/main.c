/* main.c: the local-APIC and ACPI test guest: IA32_APIC_BASE and its mode transitions, xAPIC
 * (MMIO) and x2APIC (MSR) registers, reserved registers and bits, TPR/PPR, self-IPIs with their
 * vectors, priorities and EOI, the error LVT, the timer one-shot, periodic and TSC-deadline with
 * counts bounded by the programmed values, the ACPI tables (RSDP, RSDT, XSDT, FADT, FACS, MADT,
 * DSDT) and the PM timer's rate; "mode=reset" resets through the FADT's reset register and
 * "mode=poweroff" enters S5 through PM1a control. Every APIC behaviour here is Tally's emulation,
 * not Bochs's: only the TSC rate and MAXPHYADDR come from the CPU model. */
#include "guest.h"

/* Intel SDM Vol. 3A, chapter 11 (APIC) and Vol. 4 (MSRs). */
#define MSR_APIC_BASE 0x1bu
#define MSR_TSC_DEADLINE 0x6e0u
#define APIC_BSP (1u << 8)
#define APIC_EXTD (1u << 10)
#define APIC_EN (1u << 11)
#define APIC_PHYS 0xfee00000u
#define X2APIC_MSR(off) (0x800u + ((off) >> 4))
#define REG_ID 0x020u
#define REG_VERSION 0x030u
#define REG_TPR 0x080u
#define REG_PPR 0x0a0u
#define REG_EOI 0x0b0u
#define REG_LDR 0x0d0u
#define REG_DFR 0x0e0u
#define REG_SVR 0x0f0u
#define REG_ISR 0x100u
#define REG_IRR 0x200u
#define REG_ESR 0x280u
#define REG_CMCI 0x2f0u /* absent: the version register says 6 LVT entries */
#define REG_ICR 0x300u
#define REG_ICR_HIGH 0x310u
#define REG_LVT_TIMER 0x320u
#define REG_LVT_LINT0 0x350u
#define REG_LVT_LINT1 0x360u
#define REG_LVT_ERROR 0x370u
#define REG_INITIAL 0x380u
#define REG_CURRENT 0x390u
#define REG_DIVIDE 0x3e0u
#define REG_SELF_IPI 0x3f0u
#define LVT_MASKED (1u << 16)
#define TIMER_PERIODIC (1u << 17)
#define TIMER_TSC_DEADLINE (2u << 17)
#define ICR_SELF (1u << 18)
#define SVR_ENABLE (1u << 8)
#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_ILLEGAL_REGISTER (1u << 7)
#define DIVIDE_BY_1 0xbu
#define DIVIDE_BY_16 0x3u
#define CPUID1_EDX_APIC (1u << 9)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define VEC_GP 13
/* Vectors this guest uses. */
#define V_LOW 0x41
#define V_TPR 0x45
#define V_X2 0x50
#define V_X2_ICR 0x51
#define V_TIMER 0x60
#define V_ERROR 0x70
#define V_HIGH 0x81
/* Slack for the exits between a guest RDTSC and the APIC access next to it (Tally's handler and
 * Bochs's entry/exit: a few thousand cycles), and for waking a halted vCPU at its deadline. */
#define ACCESS_SLACK 20000u
#define WAKE_SLACK 400000u
/* PIT channel 2 for the TSC's rate (the PC's 8254 at 1.193182 MHz), and the ACPI PM timer's. */
#define PIT_HZ 1193182u
#define PM_TIMER_HZ 3579545u
#define CALIBRATE_COUNT 0xffffu

static inline uint32_t apic_rd(uint32_t off) { return *(volatile uint32_t *)(APIC_PHYS + off); }
static inline void apic_wr(uint32_t off, uint32_t v) { *(volatile uint32_t *)(APIC_PHYS + off) = v; }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }

/* Interrupts taken: how many per vector, their order, and what the handler saw. */
static volatile uint32_t taken[256], order[8], norder, isr_seen, ppr_seen;
static volatile uint64_t last_tsc;
static bool x2mode;

static uint32_t reg_rd(uint32_t off)
{
	uint64_t v = 0;
	if (x2mode)
		try_rdmsr(X2APIC_MSR(off), &v);
	else
		v = apic_rd(off);
	return (uint32_t)v;
}

static void reg_wr(uint32_t off, uint32_t v)
{
	if (x2mode)
		try_wrmsr(X2APIC_MSR(off), v);
	else
		apic_wr(off, v);
}

static void eoi(void) { reg_wr(REG_EOI, 0); }

void apic_interrupt(uint32_t vector);
void apic_interrupt(uint32_t vector)
{
	last_tsc = rdtsc();
	taken[vector]++;
	if (norder < 8)
		order[norder++] = vector;
	isr_seen = reg_rd(REG_ISR + (vector >> 5) * 0x10) & (1u << (vector & 31));
	ppr_seen = reg_rd(REG_PPR);
	eoi();
}

#define VEC_STUB(v)                                                                                       \
	__asm__(".globl vec_stub_" #v "\nvec_stub_" #v ":\n\tpushal\n\tcld\n\tpushl $" #v                  \
		"\n\tcall apic_interrupt\n\taddl $4, %esp\n\tpopal\n\tiret\n");                           \
	void vec_stub_##v(void);
VEC_STUB(0x41)
VEC_STUB(0x45)
VEC_STUB(0x50)
VEC_STUB(0x51)
VEC_STUB(0x60)
VEC_STUB(0x70)
VEC_STUB(0x81)

static void cli(void) { __asm__ volatile("cli" ::: "memory"); }
/* Opens the interrupt window until n more interrupts were taken (or a bound of HLTs). */
static void take(uint32_t *counter, uint32_t n)
{
	uint32_t want = *counter + n;
	for (int i = 0; i < 1000 && *(volatile uint32_t *)counter < want; i++)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
}
static void open_window(void) { __asm__ volatile("sti; nop; nop; cli" ::: "memory"); }

/* Tally shows a guest's console lines when it yields, and Bochs's serial port takes its time per
 * byte: a timer measured right after printing would wait for that. One short one-shot sleep
 * (HLT) lets the lines go out first; the measured timer is armed with nothing printed since. */
static void settle(void)
{
	reg_wr(REG_DIVIDE, DIVIDE_BY_1);
	reg_wr(REG_LVT_TIMER, V_TIMER);
	reg_wr(REG_INITIAL, 100000);
	take((uint32_t *)&taken[V_TIMER], 1);
	reg_wr(REG_LVT_TIMER, LVT_MASKED | V_TIMER);
}

static bool irr_has(uint32_t v) { return reg_rd(REG_IRR + (v >> 5) * 0x10) & (1u << (v & 31)); }
static uint32_t read_esr(void)
{
	if (x2mode)
		try_wrmsr(X2APIC_MSR(REG_ESR), 0);
	else
		apic_wr(REG_ESR, 0);
	return reg_rd(REG_ESR);
}

static uint64_t apic_base(void)
{
	uint64_t v = 0;
	try_rdmsr(MSR_APIC_BASE, &v);
	return v;
}

static void base_and_cpuid(void)
{
	struct cpuid_out c = cpuid2(1, 0);
	check((c.edx & CPUID1_EDX_APIC) && (c.ecx & CPUID1_ECX_X2APIC) && (c.ecx & CPUID1_ECX_TSC_DEADLINE),
	      "CPUID.1 offers the APIC, x2APIC and the TSC-deadline timer");
	check(c.ebx >> 24 == 0, "CPUID.1 EBX: initial APIC ID 0");
	uint64_t b;
	check(try_rdmsr(MSR_APIC_BASE, &b) < 0 && b == (APIC_PHYS | APIC_EN | APIC_BSP),
	      "IA32_APIC_BASE reads 0x%llx: enabled, BSP, at 0xfee00000", (unsigned long long)b);
	check(try_wrmsr(MSR_APIC_BASE, b | (1u << 9)) == VEC_GP, "IA32_APIC_BASE reserved bit 9: #GP");
	check(try_wrmsr(MSR_APIC_BASE, b & ~(uint64_t)APIC_BSP) == VEC_GP, "IA32_APIC_BASE: clearing BSP: #GP");
	check(try_wrmsr(MSR_APIC_BASE, (b & ~(uint64_t)APIC_EN) | APIC_EXTD) == VEC_GP,
	      "IA32_APIC_BASE: x2APIC without enable (invalid state): #GP");
	check(try_wrmsr(MSR_APIC_BASE, b | (1ull << 62)) == VEC_GP, "IA32_APIC_BASE above MAXPHYADDR: #GP");
	check(try_wrmsr(MSR_APIC_BASE, 0x100000u | APIC_EN | APIC_BSP) == VEC_GP,
	      "IA32_APIC_BASE moved onto guest RAM: #GP (documented)");
	check(apic_base() == b, "IA32_APIC_BASE unchanged by the refused writes");
	const uint32_t moved = 0xfec00000u; /* above the guest's RAM */
	bool ok = try_wrmsr(MSR_APIC_BASE, moved | APIC_EN | APIC_BSP) < 0 &&
		  (*(volatile uint32_t *)(moved + REG_VERSION) & 0xff) == 0x14;
	ok = try_wrmsr(MSR_APIC_BASE, b) < 0 && ok;
	check(ok && apic_base() == b, "the xAPIC page moves to 0x%x and answers there, and back", moved);
}

static void xapic_registers(void)
{
	check(apic_rd(REG_ID) == 0, "xAPIC ID 0");
	uint32_t ver = apic_rd(REG_VERSION);
	check((ver & 0xff) == 0x14 && ((ver >> 16) & 0xff) == 5, "version 0x%x: 0x14, max LVT entry 5", ver);
	apic_wr(REG_VERSION, 0);
	check(apic_rd(REG_VERSION) == ver, "a write to the read-only version register changes nothing");
	check(apic_rd(REG_SVR) == 0x1ff && apic_rd(REG_LVT_LINT0) == 0x700 && apic_rd(REG_LVT_LINT1) == 0x400,
	      "as a BIOS leaves it: SVR 0x%x (enabled), LINT0 0x%x (ExtINT), LINT1 0x%x (NMI)", apic_rd(REG_SVR),
	      apic_rd(REG_LVT_LINT0), apic_rd(REG_LVT_LINT1));
	check((apic_rd(REG_LVT_TIMER) & LVT_MASKED) && (apic_rd(REG_LVT_ERROR) & LVT_MASKED), "timer and error LVTs masked");
	apic_wr(REG_TPR, 0x3f);
	check(apic_rd(REG_TPR) == 0x3f && apic_rd(REG_PPR) == 0x3f, "TPR 0x3f reads back; PPR follows it");
	apic_wr(REG_TPR, 0x1ff);
	check(apic_rd(REG_TPR) == 0xff, "TPR keeps bits 7:0 only");
	apic_wr(REG_TPR, 0);
	apic_wr(REG_LDR, 0x12345678);
	check(apic_rd(REG_LDR) == 0x12000000, "LDR keeps bits 31:24 (0x%x)", apic_rd(REG_LDR));
	apic_wr(REG_DFR, 0x0);
	check(apic_rd(REG_DFR) == 0x0fffffff, "DFR: cluster model, bits 27:0 read 1 (0x%x)", apic_rd(REG_DFR));
	apic_wr(REG_DFR, 0xffffffff);
	read_esr();
	check(apic_rd(REG_CMCI) == 0 && read_esr() == ESR_ILLEGAL_REGISTER,
	      "the absent CMCI register reads 0 and sets ESR bit 7 (illegal register)");
	check(read_esr() == 0, "a second ESR write latches no error");
	apic_wr(REG_DIVIDE, 0xff);
	check(apic_rd(REG_DIVIDE) == 0xb, "divide configuration keeps bits 0, 1, 3");
}

static void self_ipis(void)
{
	idt_set_gate(V_LOW, vec_stub_0x41);
	idt_set_gate(V_TPR, vec_stub_0x45);
	idt_set_gate(V_HIGH, vec_stub_0x81);
	idt_set_gate(V_ERROR, vec_stub_0x70);
	cli();
	apic_wr(REG_ICR, ICR_SELF | V_LOW);
	check(irr_has(V_LOW) && !taken[V_LOW], "self-IPI 0x41 (self shorthand) waits in the IRR while IF=0");
	check((apic_rd(REG_ICR) & 0xfffff) == (ICR_SELF | V_LOW), "ICR reads back, delivery status idle");
	open_window();
	check(taken[V_LOW] == 1 && !irr_has(V_LOW), "... taken once with vector 0x41 when IF=1");
	check(isr_seen && ppr_seen == 0x40, "in its handler: ISR bit 0x41 set, PPR 0x%x", ppr_seen);
	check(!(apic_rd(REG_ISR + 0x20) & 2), "EOI cleared ISR bit 0x41");
	norder = 0;
	apic_wr(REG_ICR_HIGH, 0); /* destination: APIC ID 0, physical */
	apic_wr(REG_ICR, V_LOW);
	apic_wr(REG_ICR, V_HIGH);
	open_window();
	check(norder == 2 && order[0] == V_HIGH && order[1] == V_LOW,
	      "two IPIs to APIC ID 0: 0x81 before 0x41 (priority), each after the other's EOI");
	apic_wr(REG_TPR, 0x50);
	apic_wr(REG_ICR, ICR_SELF | V_TPR);
	open_window();
	check(!taken[V_TPR] && irr_has(V_TPR) && apic_rd(REG_PPR) == 0x50, "TPR 0x50 holds back vector 0x45");
	apic_wr(REG_TPR, 0x40);
	open_window();
	check(!taken[V_TPR], "TPR 0x40 still holds it (same priority class)");
	apic_wr(REG_TPR, 0x30);
	open_window();
	check(taken[V_TPR] == 1, "TPR 0x30 lets 0x45 through");
	apic_wr(REG_TPR, 0);
	read_esr();
	apic_wr(REG_ICR, ICR_SELF | 0x05);
	check(read_esr() & ESR_SEND_ILLEGAL, "a self-IPI with vector 5: ESR send-illegal-vector");
	apic_wr(REG_LVT_ERROR, V_ERROR);
	apic_rd(REG_CMCI);
	open_window();
	check(taken[V_ERROR] == 1 && (read_esr() & ESR_ILLEGAL_REGISTER), "the error LVT delivers vector 0x70 for an illegal register");
	apic_wr(REG_LVT_ERROR, LVT_MASKED | V_ERROR);
	apic_wr(REG_SVR, 0xff);
	apic_wr(REG_LVT_ERROR, V_ERROR);
	check(apic_rd(REG_LVT_ERROR) & LVT_MASKED, "software-disabled (SVR bit 8 clear): an LVT stays masked");
	apic_wr(REG_SVR, 0x1ff);
	apic_wr(REG_LVT_ERROR, LVT_MASKED | V_ERROR);
}

/* The TSC's rate from the PIT's channel 2 (mode 0, OUT2 in port 0x61 bit 5), as Linux does. */
static uint64_t tsc_hz_by_pit(uint32_t pm_port, uint32_t *pm_ticks)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, CALIBRATE_COUNT & 0xff);
	outb(0x42, CALIBRATE_COUNT >> 8);
	uint64_t t0 = rdtsc();
	uint32_t p0 = pm_port ? inl((uint16_t)pm_port) : 0;
	while (!(inb(0x61) & 0x20))
		;
	uint64_t t1 = rdtsc();
	*pm_ticks = pm_port ? (inl((uint16_t)pm_port) - p0) & 0xffffff : 0;
	return (t1 - t0) * PIT_HZ / CALIBRATE_COUNT;
}

static void timer_oneshot(void)
{
	const uint32_t n = 500000;
	idt_set_gate(V_TIMER, vec_stub_0x60);
	settle();
	uint32_t before = taken[V_TIMER];
	apic_wr(REG_DIVIDE, DIVIDE_BY_1);
	apic_wr(REG_LVT_TIMER, V_TIMER);
	uint64_t t0 = rdtsc();
	apic_wr(REG_INITIAL, n);
	uint32_t c = apic_rd(REG_CURRENT);
	uint64_t t1 = rdtsc();
	take((uint32_t *)&taken[V_TIMER], 1); /* nothing printed before: a console line takes longer than n */
	uint64_t dt = last_tsc - t0;
	check(c <= n && c + (uint32_t)(t1 - t0) + ACCESS_SLACK >= n, "one-shot, divide by 1: current count %u just below %u", c, n);
	check(taken[V_TIMER] - before == 1 && dt >= n && dt <= n + WAKE_SLACK,
	      "one-shot of %u ticks fired once after %llu TSC cycles (at least %u, at most %u more)", n,
	      (unsigned long long)dt, n, WAKE_SLACK);
	check(apic_rd(REG_CURRENT) == 0, "current count 0 after the one-shot");
	uint64_t until = rdtsc() + 2ull * n;
	while (rdtsc() < until)
		open_window();
	check(taken[V_TIMER] - before == 1, "and never again");

	apic_wr(REG_DIVIDE, DIVIDE_BY_16);
	apic_wr(REG_LVT_TIMER, LVT_MASKED | V_TIMER);
	apic_wr(REG_INITIAL, 0xffffffffu);
	uint64_t a = rdtsc();
	uint32_t c1 = apic_rd(REG_CURRENT);
	for (volatile int i = 0; i < 100000; i++)
		;
	uint64_t b = rdtsc();
	uint32_t c2 = apic_rd(REG_CURRENT);
	uint64_t lo = (b - a > ACCESS_SLACK ? (b - a - ACCESS_SLACK) / 16 : 0), hi = (b - a + ACCESS_SLACK) / 16 + 1;
	check(c1 - c2 + 1 >= lo && c1 - c2 <= hi, "divide by 16: the count fell %u over %llu TSC cycles (%llu to %llu)",
	      c1 - c2, (unsigned long long)(b - a), (unsigned long long)lo, (unsigned long long)hi);
	open_window();
	check(taken[V_TIMER] - before == 1, "a masked timer counts without interrupting");
	apic_wr(REG_INITIAL, 0);
}

static void timer_periodic(void)
{
	const uint32_t period = 400000, periods = 20;
	settle();
	uint32_t before = taken[V_TIMER];
	apic_wr(REG_DIVIDE, DIVIDE_BY_1);
	apic_wr(REG_LVT_TIMER, TIMER_PERIODIC | V_TIMER);
	uint64_t t0 = rdtsc();
	apic_wr(REG_INITIAL, period);
	while (rdtsc() - t0 < (uint64_t)period * periods + period / 2)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	uint64_t t1 = rdtsc();
	apic_wr(REG_INITIAL, 0);
	open_window(); /* one raised before the stop is still taken */
	uint32_t k = taken[V_TIMER] - before;
	uint64_t span = t1 - t0;
	uint32_t lo = (uint32_t)((span - ACCESS_SLACK) / period), hi = (uint32_t)((span + ACCESS_SLACK) / period);
	check(k >= lo && k <= hi, "periodic, %u TSC cycles: %u interrupts in %llu cycles (%u to %u)", period, k,
	      (unsigned long long)span, lo, hi);
	uint64_t until = rdtsc() + 3ull * period;
	while (rdtsc() < until)
		open_window();
	check(taken[V_TIMER] - before == k, "none after the initial count is written 0");
}

static void timer_deadline(void)
{
	const uint32_t delay = 300000;
	uint64_t v;
	settle();
	uint32_t before = taken[V_TIMER];
	apic_wr(REG_LVT_TIMER, TIMER_TSC_DEADLINE | V_TIMER);
	apic_wr(REG_INITIAL, 12345);
	bool ignored = apic_rd(REG_INITIAL) == 0 && apic_rd(REG_CURRENT) == 0;
	uint64_t deadline = rdtsc() + delay;
	try_wrmsr(MSR_TSC_DEADLINE, deadline);
	bool armed = try_rdmsr(MSR_TSC_DEADLINE, &v) < 0 && v == deadline;
	take((uint32_t *)&taken[V_TIMER], 1);
	check(ignored, "TSC-deadline mode ignores the initial count");
	check(armed, "IA32_TSC_DEADLINE reads back while armed");
	check(taken[V_TIMER] - before == 1 && last_tsc >= deadline && last_tsc - deadline <= WAKE_SLACK,
	      "TSC deadline fired %llu cycles after it (at most %u)", (unsigned long long)(last_tsc - deadline), WAKE_SLACK);
	check(try_rdmsr(MSR_TSC_DEADLINE, &v) < 0 && v == 0, "IA32_TSC_DEADLINE reads 0 once it fired");
	try_wrmsr(MSR_TSC_DEADLINE, rdtsc() + delay);
	try_wrmsr(MSR_TSC_DEADLINE, 0);
	uint64_t until = rdtsc() + 2ull * delay;
	while (rdtsc() < until)
		open_window();
	check(taken[V_TIMER] - before == 1, "a deadline written 0 disarms the timer");
	apic_wr(REG_LVT_TIMER, LVT_MASKED | V_TIMER);
}

static void x2apic(void)
{
	uint64_t b = apic_base(), v = 0;
	check(try_rdmsr(X2APIC_MSR(REG_VERSION), &v) == VEC_GP, "x2APIC MSRs in xAPIC mode: #GP");
	check(try_wrmsr(MSR_APIC_BASE, b | APIC_EXTD) < 0 && apic_base() == (b | APIC_EXTD), "xAPIC -> x2APIC");
	x2mode = true;
	check(try_rdmsr(X2APIC_MSR(REG_ID), &v) < 0 && v == 0, "x2APIC ID 0");
	check(try_rdmsr(X2APIC_MSR(REG_LDR), &v) < 0 && v == 1, "x2APIC LDR derived from the ID: 0x%llx", (unsigned long long)v);
	check(try_rdmsr(X2APIC_MSR(REG_EOI), &v) == VEC_GP, "RDMSR of the write-only EOI: #GP");
	check(try_wrmsr(X2APIC_MSR(REG_VERSION), 0) == VEC_GP, "WRMSR of the read-only version: #GP");
	check(try_wrmsr(X2APIC_MSR(REG_EOI), 1) == VEC_GP, "EOI with a non-zero value: #GP");
	check(try_wrmsr(X2APIC_MSR(REG_TPR), 0x100) == VEC_GP, "TPR with bit 8: #GP");
	check(try_wrmsr(X2APIC_MSR(REG_TPR), 1ull << 32) == VEC_GP, "TPR with bits 63:32: #GP");
	check(try_rdmsr(X2APIC_MSR(REG_DFR), &v) == VEC_GP, "DFR does not exist in x2APIC mode: #GP");
	check(try_rdmsr(X2APIC_MSR(REG_ICR_HIGH), &v) == VEC_GP, "MSR 0x831 (no ICR high half): #GP");
	check(try_rdmsr(X2APIC_MSR(REG_CMCI), &v) == VEC_GP, "the absent CMCI register: #GP");
	check(try_wrmsr(X2APIC_MSR(REG_SVR), 0x1ff | (1u << 12)) == VEC_GP, "SVR with reserved bit 12: #GP");
	check(try_wrmsr(X2APIC_MSR(REG_ESR), 1) == VEC_GP, "ESR written non-zero: #GP");
	check(try_wrmsr(X2APIC_MSR(REG_LVT_TIMER), (3u << 17) | V_TIMER) == VEC_GP, "LVT timer mode 11b: #GP");
	idt_set_gate(V_X2, vec_stub_0x50);
	idt_set_gate(V_X2_ICR, vec_stub_0x51);
	check(try_wrmsr(X2APIC_MSR(REG_SELF_IPI), 0x100 | V_X2) == VEC_GP, "SELF_IPI with bits 31:8: #GP");
	cli();
	check(try_wrmsr(X2APIC_MSR(REG_SELF_IPI), V_X2) < 0 && irr_has(V_X2), "SELF_IPI 0x50 is requested");
	open_window();
	check(taken[V_X2] == 1 && isr_seen, "... and taken, EOI through MSR 0x80b");
	check(try_wrmsr(X2APIC_MSR(REG_ICR), ((uint64_t)0 << 32) | V_X2_ICR) < 0, "64-bit ICR: fixed IPI to x2APIC ID 0");
	open_window();
	check(taken[V_X2_ICR] == 1, "... taken with vector 0x51");
	check(try_rdmsr(X2APIC_MSR(REG_ICR), &v) < 0 && v == V_X2_ICR, "ICR reads back 0x%llx", (unsigned long long)v);
	settle();
	uint32_t before = taken[V_TIMER];
	try_wrmsr(X2APIC_MSR(REG_DIVIDE), DIVIDE_BY_1);
	try_wrmsr(X2APIC_MSR(REG_LVT_TIMER), V_TIMER);
	uint64_t t0 = rdtsc();
	try_wrmsr(X2APIC_MSR(REG_INITIAL), 200000);
	take((uint32_t *)&taken[V_TIMER], 1);
	check(taken[V_TIMER] - before == 1 && last_tsc - t0 >= 200000 && last_tsc - t0 <= 200000 + WAKE_SLACK,
	      "one-shot through the x2APIC MSRs, after %llu cycles (200000 to %u)", (unsigned long long)(last_tsc - t0),
	      200000 + WAKE_SLACK);
	try_wrmsr(X2APIC_MSR(REG_LVT_TIMER), LVT_MASKED | V_TIMER);
	check(try_wrmsr(MSR_APIC_BASE, b) == VEC_GP, "x2APIC -> xAPIC: #GP");
	check(try_wrmsr(MSR_APIC_BASE, b & ~(uint64_t)(APIC_EN | APIC_EXTD)) < 0, "x2APIC -> disabled");
	x2mode = false;
	check(!(cpuid2(1, 0).edx & CPUID1_EDX_APIC), "CPUID.1 EDX.APIC clear while the APIC is disabled");
	check(try_wrmsr(MSR_APIC_BASE, b | APIC_EXTD) == VEC_GP, "disabled -> x2APIC: #GP");
	check(try_wrmsr(MSR_APIC_BASE, b) < 0 && apic_base() == b, "disabled -> xAPIC");
	check(apic_rd(REG_SVR) == 0xff && apic_rd(REG_LVT_LINT0) == LVT_MASKED && apic_rd(REG_TPR) == 0,
	      "re-enabled, the APIC is in its power-on state (SVR 0x%x, LINT0 0x%x)", apic_rd(REG_SVR), apic_rd(REG_LVT_LINT0));
}

/* --- ACPI (ACPI 6.4, chapter 5.2) --- */

struct sdt {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static uint8_t sum(const void *p, uint32_t n)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < n; i++)
		s += ((const uint8_t *)p)[i];
	return s;
}

static bool sig_is(const void *p, const char *sig, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (((const char *)p)[i] != sig[i])
			return false;
	return true;
}

static const uint8_t *find_rsdp(void)
{
	for (uint32_t a = 0xe0000; a < 0x100000; a += 16)
		if (sig_is((const void *)a, "RSD PTR ", 8) && sum((const void *)a, 20) == 0)
			return (const uint8_t *)a;
	return 0;
}

static const struct sdt *table_of(const struct sdt *rsdt, const char *sig)
{
	uint32_t n = (rsdt->length - sizeof(*rsdt)) / 4;
	const uint32_t *e = (const uint32_t *)(rsdt + 1);
	for (uint32_t i = 0; i < n; i++)
		if (sig_is((const void *)e[i], sig, 4))
			return (const struct sdt *)e[i];
	return 0;
}

struct fadt_view {
	uint32_t pm1a_cnt, pm_tmr, reset_port;
	uint8_t reset_value;
};

static bool acpi(struct fadt_view *fv)
{
	const uint8_t *rsdp = find_rsdp();
	if (!check(rsdp != 0, "RSDP found at 0x%x in the BIOS area (16-byte aligned, checksum 0)", (uint32_t)rsdp))
		return false;
	check(rsdp[15] == 2 && sum(rsdp, *(const uint32_t *)(rsdp + 20)) == 0, "RSDP revision 2, extended checksum 0");
	const struct sdt *rsdt = (const struct sdt *)*(const uint32_t *)(rsdp + 16);
	const struct sdt *xsdt = (const struct sdt *)*(const uint32_t *)(rsdp + 24);
	check(sig_is(rsdt, "RSDT", 4) && sum(rsdt, rsdt->length) == 0, "RSDT valid");
	bool same = sig_is(xsdt, "XSDT", 4) && sum(xsdt, xsdt->length) == 0 && (xsdt->length - 36) / 8 == (rsdt->length - 36) / 4;
	for (uint32_t i = 0; same && i < (rsdt->length - 36) / 4; i++)
		same = ((const uint32_t *)(rsdt + 1))[i] == (uint32_t)((const uint64_t *)(xsdt + 1))[i];
	check(same, "XSDT valid, the same tables as the RSDT");
	const struct sdt *fadt = table_of(rsdt, "FACP"), *madt = table_of(rsdt, "APIC");
	if (!check(fadt && madt && sum(fadt, fadt->length) == 0 && sum(madt, madt->length) == 0, "FADT and MADT listed, checksums 0"))
		return false;
	const uint8_t *f = (const uint8_t *)fadt;
	fv->pm1a_cnt = *(const uint32_t *)(f + 64);
	fv->pm_tmr = *(const uint32_t *)(f + 76);
	uint32_t flags = *(const uint32_t *)(f + 112);
	check(fv->pm_tmr && f[91] == 4 && !(flags & (1u << 8)), "FADT: PM timer at port 0x%x, 4 bytes, 24-bit", fv->pm_tmr);
	check(*(const uint16_t *)(f + 46) == 9 && *(const uint32_t *)(f + 48) == 0, "FADT: SCI on IRQ 9, no SMI command port");
	fv->reset_port = *(const uint32_t *)(f + 120);
	fv->reset_value = f[128];
	check((flags & (1u << 10)) && f[116] == 1 && fv->reset_port == 0xcf9 && fv->reset_value == 6,
	      "FADT: reset register I/O 0x%x, value 0x%x", fv->reset_port, fv->reset_value);
	const struct sdt *dsdt = (const struct sdt *)*(const uint32_t *)(f + 40);
	const uint8_t *facs = (const uint8_t *)*(const uint32_t *)(f + 36);
	check(sig_is(dsdt, "DSDT", 4) && sum(dsdt, dsdt->length) == 0 && sig_is((const uint8_t *)(dsdt + 1) + 1, "_S5_", 4),
	      "DSDT valid, with \\_S5");
	check(sig_is(facs, "FACS", 4) && *(const uint32_t *)(facs + 4) == 64 && ((uint32_t)facs & 63) == 0, "FACS valid, 64-byte aligned");
	const uint8_t *m = (const uint8_t *)madt;
	check(*(const uint32_t *)(m + 36) == (uint32_t)(apic_base() & ~0xfffull) && (*(const uint32_t *)(m + 40) & 1),
	      "MADT: local APIC at the APIC base, PCAT_COMPAT (8259s)");
	unsigned cpus = 0, ioapics = 0, nmis = 0;
	for (uint32_t off = 44; off + 2 <= madt->length && m[off + 1]; off += m[off + 1]) {
		cpus += m[off] == 0 && m[off + 3] == 0 && (m[off + 4] & 1);
		ioapics += m[off] == 1;
		nmis += m[off] == 4 && m[off + 5] == 1;
	}
	check(cpus == 1 && ioapics == 0 && nmis == 1, "MADT: one enabled CPU with APIC ID 0, no I/O APIC, NMI on LINT1");
	return true;
}

static void pm_timer(const struct fadt_view *fv)
{
	uint32_t pit_pm;
	uint64_t hz = tsc_hz_by_pit(fv->pm_tmr, &pit_pm);
	/* Over the PIT's 65535 ticks the PM timer counts 3 times as many (3579545 / 1193182). */
	check(pit_pm >= 196605 - 200 && pit_pm <= 196605 + 200, "PM timer: %u ticks over 65535 PIT ticks (196605 +- 200)", pit_pm);
	uint64_t t0 = rdtsc();
	uint32_t p0 = inl((uint16_t)fv->pm_tmr);
	uint64_t until = t0 + hz / 50;
	while (rdtsc() < until)
		;
	uint32_t p1 = inl((uint16_t)fv->pm_tmr);
	uint64_t t1 = rdtsc();
	uint32_t got = (p1 - p0) & 0xffffff;
	uint64_t want = (t1 - t0) * PM_TIMER_HZ / hz;
	check(got * 1000ull >= want * 995 && got * 1000ull <= want * 1005,
	      "PM timer: %u ticks in %llu TSC cycles at %llu Hz (%llu expected, within 0.5 percent)", got,
	      (unsigned long long)(t1 - t0), (unsigned long long)hz, (unsigned long long)want);
	check((inl((uint16_t)fv->pm_tmr) >> 24) == 0, "PM timer: 24 bits wide");
}

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	char mode[16];
	struct fadt_view fv = { 0 };
	if (magic != MULTIBOOT_MAGIC)
		return 1;
	if (cmdline_value(mbi, "mode", mode, sizeof(mode))) {
		if (!acpi(&fv))
			return 2;
		if (mode[0] == 'r')
			outb((uint16_t)fv.reset_port, fv.reset_value);
		else
			outw((uint16_t)fv.pm1a_cnt, (5u << 10) | (1u << 13)); /* SLP_TYP = \_S5's 5, SLP_EN */
		gprintf("FAIL: still running after mode=%s\n", mode);
		return 3;
	}
	base_and_cpuid();
	xapic_registers();
	self_ipis();
	timer_oneshot();
	timer_periodic();
	timer_deadline();
	x2apic();
	if (acpi(&fv))
		pm_timer(&fv);
	return check_summary();
}
