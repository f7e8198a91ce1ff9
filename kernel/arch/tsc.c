/* tsc.c: TSC frequency from CPUID 0x15/0x16, cross-checked against the PIT, or the HPET or ACPI PM
 * timer where there is no PIT (emulators report leaves that do not match their TSC), and
 * conversions between cycles and time. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/arch/acpi_find.h"
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
#define PIT_CMD_CH2_MODE2_LOHI 0xb4
#define PIT_CMD_CH2_LATCH 0x80
/* IA-PC HPET Specification 1.0a, 2.3: registers; the counter's period in femtoseconds (at most
 * 100 ns) is in bits 63:32 of the capabilities. */
#define HPET_CAPABILITIES 0x000
#define HPET_CONFIG 0x010
#define HPET_COUNTER 0x0f0
#define HPET_ENABLE 0x1
#define HPET_MAX_PERIOD_FS 100000000ull
#define CALIBRATE_MS 10
#define CALIBRATE_ROUNDS 3
#define CALIBRATE_MAX_CYCLES 1000000000ull /* 10 ms of a reference clock take fewer (< 100 GHz) */
#define CALIBRATE_STILL_CYCLES 10000000ull /* a clock that has not moved in these is not running */
#define CPUID_TRUST_PERCENT 2 /* CPUID's claim must agree with the measurement within this */

static uint64_t hz;
static uint64_t boot_tsc;
static const char *source = "PIT calibration";

/* A free-running counter to calibrate against: read() masked to its width, at rate_hz. */
struct ref_clock {
	uint32_t (*read)(void);
	uint32_t mask;
	uint64_t rate_hz;
};

/* TSC hz against c: of CALIBRATE_ROUNDS runs of CALIBRATE_MS, the fewest TSC cycles per reference
 * tick. The TSC is read before the first sample and after each later one, and the run's length in
 * ticks is what the counter says, so a delay anywhere (an emulator's lock, the host descheduling
 * an emulated CPU, an SMI) can only lengthen a run a little, never shorten it. 0 when c does not
 * advance (absent, or its clock gated). */
static uint64_t ref_calibrate(const struct ref_clock *c)
{
	uint32_t ticks = (uint32_t)(c->rate_hz * CALIBRATE_MS / 1000);
	uint64_t best = 0;
	for (int i = 0; i < CALIBRATE_ROUNDS; i++) {
		uint64_t t0 = rdtsc_ordered(), t1;
		uint32_t r0 = c->read(), n;
		do {
			n = (c->read() - r0) & c->mask;
			t1 = rdtsc_ordered();
		} while (n < ticks && t1 - t0 < (n ? CALIBRATE_MAX_CYCLES : CALIBRATE_STILL_CYCLES));
		if (n < ticks)
			return 0;
		uint64_t cycles = (t1 - t0) * ticks / n;
		if (!best || cycles < best)
			best = cycles;
	}
	return best * 1000 / CALIBRATE_MS;
}

/* PIT channel 2 counting down from 65536 in mode 2, latched and read (8254 data sheet: counter
 * latch command), as a rising count. */
static uint32_t pit_read(void)
{
	outb(PIT_CMD, PIT_CMD_CH2_LATCH);
	uint8_t lo = inb(PIT_CH2_DATA);
	uint8_t hi = inb(PIT_CH2_DATA);
	return (0x10000u - (uint32_t)(hi << 8 | lo)) & 0xffff;
}

static bool pit_clock(struct ref_clock *c)
{
	outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~PIT_SPEAKER) | PIT_GATE_ON);
	outb(PIT_CMD, PIT_CMD_CH2_MODE2_LOHI);
	outb(PIT_CH2_DATA, 0); /* 0: a count of 65536, 55 ms a period */
	outb(PIT_CH2_DATA, 0);
	*c = (struct ref_clock){ pit_read, 0xffff, PIT_HZ };
	return true;
}

static volatile uint32_t *hpet;
static uint32_t hpet_read(void) { return hpet[HPET_COUNTER / 4]; }

/* The HPET of the ACPI "HPET" table, its counter started if the firmware left it stopped. */
static bool hpet_clock(struct ref_clock *c)
{
	const struct acpi_hpet *t = (const void *)acpi_find_table("HPET");
	if (!t || t->header.length < sizeof(*t) || t->base_address.space_id != ACPI_SPACE_MEMORY ||
	    !t->base_address.address || t->base_address.address >= (4ull << 30))
		return false;
	hpet = (volatile uint32_t *)(uintptr_t)t->base_address.address;
	uint32_t period_fs = hpet[HPET_CAPABILITIES / 4 + 1];
	if (!period_fs || period_fs > HPET_MAX_PERIOD_FS)
		return false;
	hpet[HPET_CONFIG / 4] |= HPET_ENABLE;
	*c = (struct ref_clock){ hpet_read, 0xffffffffu, 1000000000000000ull / period_fs };
	return true;
}

static uint16_t pm_timer_port;
static uint32_t pm_timer_read(void) { return inl(pm_timer_port); }

/* The ACPI PM timer of the FADT (4.8.3.3): 3.579545 MHz, 24 bits or 32 (TMR_VAL_EXT). */
static bool pm_timer_clock(struct ref_clock *c)
{
	const struct acpi_fadt *f = acpi_fadt();
	if (!f || f->pm_tmr_len != 4)
		return false;
	uint64_t port = f->pm_tmr_blk;
	if (!port && ACPI_FADT_HAS(f, x_pm_tmr_blk) && f->x_pm_tmr_blk.space_id == ACPI_SPACE_IO)
		port = f->x_pm_tmr_blk.address;
	if (!port || port > 0xffff)
		return false;
	pm_timer_port = (uint16_t)port;
	uint32_t mask = ACPI_FADT_HAS(f, flags) && (f->flags & ACPI_FADT_TMR_VAL_EXT) ? 0xffffffffu : 0xffffffu;
	*c = (struct ref_clock){ pm_timer_read, mask, ACPI_PM_TIMER_HZ };
	return true;
}

/* X(name, source, probe): the clocks to calibrate against, in order of preference. */
#define TSC_REF_CLOCKS(X)                                             \
	X("the PIT", "PIT calibration", pit_clock)                     \
	X("the HPET", "HPET calibration", hpet_clock)                  \
	X("the ACPI PM timer", "ACPI PM timer calibration", pm_timer_clock)

/* The first clock that is there and runs; 0 when none does. *ref names it. */
static uint64_t measure(const char **ref)
{
	struct ref_clock c;
	uint64_t m;
	uint8_t gate = inb(PIT_GATE_PORT);
#define TRY(name, how, probe)                               \
	if (probe(&c) && (m = ref_calibrate(&c))) {          \
		outb(PIT_GATE_PORT, gate);                   \
		*ref = name;                                 \
		source = how;                                \
		return m;                                    \
	}
	TSC_REF_CLOCKS(TRY)
#undef TRY
	outb(PIT_GATE_PORT, gate);
	*ref = NULL;
	return 0;
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
	const char *how = NULL, *ref;
	uint64_t claimed = cpuid_tsc_hz(&how);
	uint64_t measured = measure(&ref);
	hz = measured;
	if (measured && strcmp(ref, "the PIT"))
		log_info("TSC: no PIT to calibrate against (absent, or its clock gated): using %s\n", ref);
	if (claimed && measured) {
		uint64_t diff = claimed > measured ? claimed - measured : measured - claimed;
		if (diff * 100 <= measured * CPUID_TRUST_PERCENT) {
			hz = claimed;
			source = how;
		} else {
			log_info("TSC: %s claims %llu MHz but %s measures %llu MHz; using %s\n", how,
				 (unsigned long long)(claimed / 1000000), ref, (unsigned long long)(measured / 1000000), ref);
		}
	} else if (claimed) {
		hz = claimed;
		source = how;
	}
	if (!hz) {
		hz = 1000000000ull;
		source = "assumed 1 GHz (no PIT, HPET, ACPI PM timer or CPUID leaf)";
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
