/* dev_cmos.c: the RTC registers in BCD, 24-hour mode, from the host's time; the rest is battery RAM. */
#include <string.h>

#include "vmx/dev_cmos.h"

/* Motorola MC146818A datasheet, "Address map" and registers A-D. */
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_WEEKDAY 0x06
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32 /* IBM PC/AT convention (ACPI FADT "century" default) */
#define A_DEFAULT 0x26   /* 32.768 kHz time base, 1024 Hz rate; UIP (bit 7) always 0 */
#define B_24H 0x02       /* 24-hour, BCD (DM = 0), no interrupts, no daylight saving */
#define B_DM_BINARY 0x04
#define D_VRT 0x80       /* valid RAM and time */
#define INDEX_MASK 0x7f
#define SECONDS_PER_DAY 86400

void cmos_init(struct cmos *c)
{
	memset(c, 0, sizeof(*c));
	c->ram[REG_A] = A_DEFAULT;
	c->ram[REG_B] = B_24H;
}

void cmos_select(struct cmos *c, uint8_t val)
{
	c->index = val & INDEX_MASK;
}

/* Howard Hinnant's days_from_civil/civil_from_days algorithms (public domain), restated. */
int64_t cmos_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void cmos_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static uint8_t bcd(unsigned v)
{
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

static uint8_t time_register(unsigned reg, int64_t t)
{
	int64_t days = t >= 0 ? t / SECONDS_PER_DAY : (t - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
	unsigned sec = (unsigned)(t - days * SECONDS_PER_DAY), m, d;
	int64_t y;
	cmos_civil_from_days(days, &y, &m, &d);
	switch (reg) {
	case REG_SECONDS: return bcd(sec % 60);
	case REG_MINUTES: return bcd(sec / 60 % 60);
	case REG_HOURS: return bcd(sec / 3600);
	case REG_WEEKDAY: return bcd((unsigned)((days % 7 + 11) % 7) + 1); /* 1970-01-01 was a Thursday: 5 */
	case REG_DAY: return bcd(d);
	case REG_MONTH: return bcd(m);
	case REG_YEAR: return bcd((unsigned)(y % 100));
	case REG_CENTURY: return bcd((unsigned)(y / 100));
	}
	return 0;
}

static int is_time_register(unsigned reg)
{
	return reg == REG_SECONDS || reg == REG_MINUTES || reg == REG_HOURS || reg == REG_WEEKDAY ||
	       reg == REG_DAY || reg == REG_MONTH || reg == REG_YEAR || reg == REG_CENTURY;
}

uint8_t cmos_read(const struct cmos *c, int64_t unix_seconds)
{
	if (is_time_register(c->index))
		return time_register(c->index, unix_seconds + c->offset);
	if (c->index == REG_C)
		return 0; /* no interrupt flags: the RTC raises no IRQ8 */
	if (c->index == REG_D)
		return D_VRT;
	return c->ram[c->index];
}

/* A guest setting the clock moves its own offset; other time registers keep what the host says. */
static void set_time(struct cmos *c, uint8_t val, int64_t now)
{
	int64_t t = now + c->offset;
	int64_t days = t >= 0 ? t / SECONDS_PER_DAY : (t - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
	int64_t sec = t - days * SECONDS_PER_DAY, y;
	unsigned m, d, v = from_bcd(val);
	cmos_civil_from_days(days, &y, &m, &d);
	switch (c->index) {
	case REG_SECONDS: sec = sec - sec % 60 + v; break;
	case REG_MINUTES: sec = sec - (sec / 60 % 60) * 60 + v * 60; break;
	case REG_HOURS: sec = sec % 3600 + v * 3600; break;
	case REG_DAY: d = v; break;
	case REG_MONTH: m = v; break;
	case REG_YEAR: y = y - y % 100 + v; break;
	case REG_CENTURY: y = y % 100 + v * 100; break;
	case REG_WEEKDAY: return; /* derived from the date */
	}
	c->offset += cmos_days_from_civil(y, m, d) * SECONDS_PER_DAY + sec - t;
}

void cmos_write(struct cmos *c, uint8_t val, int64_t unix_seconds)
{
	if (is_time_register(c->index))
		set_time(c, val, unix_seconds);
	else if (c->index == REG_A)
		c->ram[REG_A] = val & 0x7f; /* UIP is read-only */
	else if (c->index == REG_B) /* the data mode stays BCD, 24-hour: the guest reads what it finds */
		c->ram[REG_B] = (uint8_t)((val & ~(B_DM_BINARY | B_24H)) | B_24H);
	else if (c->index != REG_C && c->index != REG_D)
		c->ram[c->index] = val;
}
