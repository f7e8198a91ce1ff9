/* dev_cmos.h: the guest's MC146818 CMOS/RTC (ports 0x70/0x71): time registers, status A-D, RAM; pure logic. */
#ifndef VMX_DEV_CMOS_H
#define VMX_DEV_CMOS_H

#include <stdint.h>

#define CMOS_BYTES 128

struct cmos {
	uint8_t index;
	uint8_t ram[CMOS_BYTES];
	int64_t offset;       /* guest time = host time + offset (seconds), after guest writes */
};

void cmos_init(struct cmos *c);
/* Port 0x70: bit 7 is the NMI mask (ignored), bits 6:0 the register. */
void cmos_select(struct cmos *c, uint8_t val);
/* Port 0x71 at host time unix_seconds. */
uint8_t cmos_read(const struct cmos *c, int64_t unix_seconds);
void cmos_write(struct cmos *c, uint8_t val, int64_t unix_seconds);
/* Seconds since 1970-01-01 of a civil date and back (proleptic Gregorian, UTC). */
int64_t cmos_days_from_civil(int64_t y, unsigned m, unsigned d);
void cmos_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
