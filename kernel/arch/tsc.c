/* tsc.c: TSC frequency from CPUID 0x15/0x16, cross-checked against the PIT (emulators report
 * leaves that do not match their TSC), and conversions between cycles and time. */
#include <stdint.h>

#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"

/* Intel 8254 PIT: 1.193182 MHz input clock; channel 2 gated through port 0x61. */
#define PIT_HZ 1193182ull
#define PIT_CH2_DATA 0x42
#define PIT_CMD 0x43
#define PIT_GATE_PORT 0x61
#define PIT_GATE_ON 0x01
#define PIT_SPEAKER 0x02
#define PIT_OUT2 0x20
#define PIT_CMD_CH2_MODE0_LOHI 0xb0
#define CALIBRATE_MS 10
#define CALIBRATE_ROUNDS 3
#define CPUID_TRUST_PERCENT 2 /* CPUID's claim must agree with the PIT within this */

static uint64_t hz;
static uint64_t boot_tsc;
static const char *source = "PIT calibration";

/* TSC cycles across CALIBRATE_MS of PIT channel 2 counting down in mode 0. */
static uint64_t pit_measure(void)
{
	uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint8_t gate = inb(PIT_GATE_PORT);
	outb(PIT_GATE_PORT, (gate & ~PIT_SPEAKER) & ~PIT_GATE_ON);
	outb(PIT_CMD, PIT_CMD_CH2_MODE0_LOHI);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	outb(PIT_GATE_PORT, (gate & ~PIT_SPEAKER) | PIT_GATE_ON);
	uint64_t start = rdtsc_ordered();
	for (uint64_t spins = 0; !(inb(PIT_GATE_PORT) & PIT_OUT2); spins++)
		if (spins > 100000000ull)
			return 0; /* no PIT: the caller falls back */
	uint64_t cycles = rdtsc_ordered() - start;
	outb(PIT_GATE_PORT, gate);
	return cycles;
}

static uint64_t pit_calibrate(void)
{
	uint64_t best = 0;
	for (int i = 0; i < CALIBRATE_ROUNDS; i++) {
		uint64_t c = pit_measure();
		if (c && (!best || c < best))
			best = c; /* the shortest run had the least interference */
	}
	return best * 1000 / CALIBRATE_MS;
}

/* CPUID 0x15 (TSC/crystal ratio) or 0x16 (base MHz); 0 when absent. */
static uint64_t cpuid_tsc_hz(const char **how)
{
	struct cpuid_regs r;
	cpuid(0, 0, &r);
	uint32_t max = r.eax;
	if (max >= 0x15) {
		cpuid(0x15, 0, &r);
		if (r.eax && r.ebx && r.ecx) {
			*how = "CPUID 0x15";
			return (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &r);
		if (r.eax & 0xffff) {
			*how = "CPUID 0x16";
			return (uint64_t)(r.eax & 0xffff) * 1000000;
		}
	}
	return 0;
}

void tsc_init(void)
{
	const char *how = NULL;
	uint64_t claimed = cpuid_tsc_hz(&how);
	uint64_t measured = pit_calibrate();
	hz = measured;
	if (claimed && measured) {
		uint64_t diff = claimed > measured ? claimed - measured : measured - claimed;
		if (diff * 100 <= measured * CPUID_TRUST_PERCENT) {
			hz = claimed;
			source = how;
		} else {
			log_info("TSC: %s claims %llu MHz but the PIT measures %llu MHz; using the PIT\n", how,
				 (unsigned long long)(claimed / 1000000), (unsigned long long)(measured / 1000000));
		}
	} else if (claimed) {
		hz = claimed;
		source = how;
	}
	if (!hz) {
		hz = 1000000000ull;
		source = "assumed 1 GHz (no PIT, no CPUID leaf)";
	}
	boot_tsc = rdtsc();
}

uint64_t tsc_hz(void) { return hz; }
const char *tsc_source(void) { return source; }

uint64_t tsc_cycles_to_ns(uint64_t cycles)
{
	/* Split to avoid overflow: whole seconds, then the remainder. */
	return cycles / hz * 1000000000ull + cycles % hz * 1000000000ull / hz;
}

uint64_t tsc_ns_to_cycles(uint64_t ns)
{
	return ns / 1000000000ull * hz + ns % 1000000000ull * hz / 1000000000ull;
}

uint64_t time_ns(void) { return tsc_cycles_to_ns(rdtsc() - boot_tsc); }
uint64_t time_ms(void) { return time_ns() / 1000000; }

void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_ns_to_cycles(us * 1000);
	while (rdtsc() < end)
		cpu_relax();
}
