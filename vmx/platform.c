/* platform.c: powering a guest's platform on, and the clocks its devices run on (PIT and PM timer ticks, RTC seconds from the TSC). */
#include <string.h>

#include "kernel/arch/acpi.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "vmx/platform.h"

/* The host's MC146818 (Motorola datasheet): index port, data port, registers, status A's UIP bit. */
#define HOST_CMOS_INDEX 0x70
#define HOST_CMOS_DATA 0x71
#define HOST_CMOS_NMI_OFF 0x80
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_A_UIP 0x80
#define RTC_B_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_UIP_WAIT 100000

/* Host wall-clock seconds at host TSC host_clock_tsc (one value for every guest: it is the host's). */
static int64_t host_clock_seconds;
static uint64_t host_clock_tsc;
/* Fixed-point factors between TSC cycles and PIT ticks (no 128-bit division in the kernel). */
#define TO_PIT_SHIFT 40
#define TO_TSC_SHIFT 20
static uint64_t tsc_to_pit, pit_to_tsc, tsc_to_pm;

void platform_init(struct platform *p)
{
	memset(p, 0, sizeof(*p));
	lapic_firmware_init(&p->lapic);
	p->pm1_control = ACPI_PM1_SCI_EN; /* no SMI_CMD in the FADT: always in ACPI mode */
	pic_init(&p->pic);
	pit_init(&p->pit);
	uart_init(&p->uart);
	cmos_init(&p->cmos);
}

static uint8_t host_rtc(uint8_t reg)
{
	outb(HOST_CMOS_INDEX, HOST_CMOS_NMI_OFF | reg);
	return inb(HOST_CMOS_DATA);
}

static unsigned rtc_value(uint8_t raw, bool binary)
{
	return binary ? raw : (raw >> 4) * 10u + (raw & 0xf);
}

void platform_read_host_clock(void)
{
	for (int i = 0; i < RTC_UIP_WAIT && (host_rtc(RTC_STATUS_A) & RTC_A_UIP); i++)
		;
	uint8_t b = host_rtc(RTC_STATUS_B);
	bool binary = b & RTC_B_BINARY;
	unsigned sec = rtc_value(host_rtc(RTC_SECONDS), binary), min = rtc_value(host_rtc(RTC_MINUTES), binary);
	uint8_t hraw = host_rtc(RTC_HOURS);
	unsigned hour = rtc_value(hraw & 0x7f, binary);
	if (!(b & RTC_B_24H) && (hraw & 0x80)) /* 12-hour mode, PM */
		hour = hour % 12 + 12;
	else if (!(b & RTC_B_24H) && hour == 12)
		hour = 0;
	unsigned day = rtc_value(host_rtc(RTC_DAY), binary), month = rtc_value(host_rtc(RTC_MONTH), binary);
	unsigned year = 2000 + rtc_value(host_rtc(RTC_YEAR), binary);
	if (month < 1 || month > 12 || day < 1 || day > 31) {
		month = day = 1; /* no usable host clock: 2000-01-01 */
		year = 2000;
	}
	host_clock_seconds = cmos_days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
	host_clock_tsc = rdtsc();
	tsc_to_pit = ((uint64_t)PIT_HZ << TO_PIT_SHIFT) / tsc_hz();
	pit_to_tsc = (tsc_hz() << TO_TSC_SHIFT) / PIT_HZ;
	tsc_to_pm = ((uint64_t)ACPI_PM_TIMER_HZ << TO_PIT_SHIFT) / tsc_hz();
}

uint64_t platform_pit_ticks(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * tsc_to_pit) >> TO_PIT_SHIFT);
}

uint64_t platform_pm_ticks(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * tsc_to_pm) >> TO_PIT_SHIFT);
}

uint64_t platform_tsc_of_pit(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * pit_to_tsc) >> TO_TSC_SHIFT) + 1;
}

int64_t platform_unix_seconds(uint64_t tsc)
{
	return host_clock_seconds + (int64_t)((tsc - host_clock_tsc) / tsc_hz());
}
