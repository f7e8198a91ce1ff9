/* dev_pit.c: the 8254: control word, counters 0-2 in modes 0-5, latches, read-back, LSB/MSB access. */
#include <string.h>

#include "vmx/dev_pit.h"

/* Intel 8254 datasheet, "Control Word Format" and "Read-Back Command". */
#define CW_CHANNEL(v) (((v) >> 6) & 3)
#define CW_ACCESS(v) (((v) >> 4) & 3)
#define CW_MODE(v) (((v) >> 1) & 7)
#define CW_BCD 0x01
#define CW_READ_BACK 3
#define RB_NO_COUNT 0x20  /* read-back: 0 = latch the count */
#define RB_NO_STATUS 0x10 /* read-back: 0 = latch the status */
#define RB_CHANNEL(n) (0x02u << (n))
#define STATUS_OUTPUT 0x80
#define STATUS_NULL_COUNT 0x40
#define PORT61_GATE2 0x01
#define PORT61_SPEAKER 0x02
#define PORT61_REFRESH 0x10 /* toggles every 15.085 us on a PC/AT: derived from the tick count */
#define PORT61_OUT2 0x20
#define PORT61_WRITABLE (PORT61_GATE2 | PORT61_SPEAKER)

void pit_init(struct pit *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < PIT_CHANNELS; i++) {
		p->ch[i].gate = i != 2;
		p->ch[i].access = 3;
	}
}

/* Modes 6 and 7 are modes 2 and 3 (datasheet: "X10", "X11"). */
static unsigned mode_of(const struct pit_channel *c)
{
	return c->mode > 5 ? c->mode - 4u : c->mode;
}

static uint64_t period(const struct pit_channel *c)
{
	if (c->count)
		return c->count;
	return c->bcd ? 10000 : 0x10000;
}

/* Ticks counted since the count was loaded (frozen while channel 2's gate is low). */
static uint64_t elapsed(const struct pit_channel *c, uint64_t now)
{
	if (!c->gate)
		return c->frozen;
	return now >= c->start ? now - c->start : 0;
}

uint16_t pit_counter(const struct pit_channel *c, uint64_t now)
{
	if (!c->armed)
		return (uint16_t)c->count;
	uint64_t n = period(c), e = elapsed(c, now);
	switch (mode_of(c)) {
	case 2:
		return (uint16_t)(n - e % n);
	case 3: { /* counts down by two, twice per period */
		uint64_t half = (n + 1) / 2, in = e % n;
		uint64_t d = in < half ? in : in - half;
		return (uint16_t)((n & ~1ull) - 2 * d);
	}
	default: /* 0, 1, 4, 5: down once, then on through 0xffff */
		return (uint16_t)(n - e);
	}
}

bool pit_output(const struct pit_channel *c, uint64_t now)
{
	if (!c->armed)
		return mode_of(c) != 0;
	uint64_t n = period(c), e = elapsed(c, now);
	switch (mode_of(c)) {
	case 0: return e >= n;        /* low until terminal count */
	case 2: return e % n != n - 1; /* low for the one tick at count 1 */
	case 3: return e % n < (n + 1) / 2;
	case 1: return e >= n;
	case 4:
	case 5: return e != n;
	}
	return true;
}

/* Edges of OUT0 going high that end a period, counted from the load. */
static uint64_t edges_until(const struct pit_channel *c, uint64_t now)
{
	if (!c->armed || !c->gate)
		return 0;
	uint64_t n = period(c), e = elapsed(c, now);
	switch (mode_of(c)) {
	case 0: return e >= n ? 1 : 0;
	case 2:
	case 3: return e / n;
	case 4: return e > n ? 1 : 0; /* the one-tick strobe at terminal count ends: Linux's one-shot timer */
	default: return 0;            /* 1 and 5 start on a gate edge: channel 0's gate never moves */
	}
}

uint64_t pit_irq0_edges(struct pit *p, uint64_t now)
{
	struct pit_channel *c = &p->ch[0];
	uint64_t all = edges_until(c, now), fresh = all - c->irq_seen;
	c->irq_seen = all;
	return fresh;
}

uint64_t pit_irq0_next(const struct pit *p)
{
	const struct pit_channel *c = &p->ch[0];
	if (!c->armed || !c->gate)
		return PIT_NEVER;
	unsigned m = mode_of(c);
	if (m == 0 || m == 4)
		return c->irq_seen ? PIT_NEVER : c->start + period(c) + (m == 4);
	if (m == 2 || m == 3)
		return c->start + (c->irq_seen + 1) * period(c);
	return PIT_NEVER;
}

static void load(struct pit_channel *c, uint32_t count, uint64_t now)
{
	c->count = count;
	c->start = now;
	c->frozen = 0;
	c->armed = true;
	c->irq_seen = 0;
}

static void control_word(struct pit *p, uint8_t val, uint64_t now)
{
	unsigned n = CW_CHANNEL(val);
	if (n == CW_READ_BACK) {
		for (unsigned i = 0; i < PIT_CHANNELS; i++) {
			struct pit_channel *c = &p->ch[i];
			if (!(val & RB_CHANNEL(i)))
				continue;
			if (!(val & RB_NO_STATUS) && !c->status_latched) {
				c->status = (uint8_t)((pit_output(c, now) ? STATUS_OUTPUT : 0) | (c->armed ? 0 : STATUS_NULL_COUNT) |
						      c->access << 4 | c->mode << 1 | (c->bcd ? CW_BCD : 0));
				c->status_latched = true;
			}
			if (!(val & RB_NO_COUNT) && !c->latched) {
				c->latch = pit_counter(c, now);
				c->latched = true;
				c->latch_msb_next = false;
			}
		}
		return;
	}
	struct pit_channel *c = &p->ch[n];
	if (CW_ACCESS(val) == 0) { /* counter latch command */
		if (!c->latched) {
			c->latch = pit_counter(c, now);
			c->latched = true;
			c->latch_msb_next = false;
		}
		return;
	}
	c->access = (uint8_t)CW_ACCESS(val);
	c->mode = (uint8_t)CW_MODE(val);
	c->bcd = val & CW_BCD;
	c->armed = false;
	c->write_msb_next = c->read_msb_next = false;
	c->latched = c->status_latched = false;
}

static void write_count(struct pit_channel *c, uint8_t val, uint64_t now)
{
	switch (c->access) {
	case 1: load(c, val, now); return;
	case 2: load(c, (uint32_t)val << 8, now); return;
	case 3:
		if (!c->write_msb_next) {
			c->write_lsb = val;
			c->write_msb_next = true;
			if (mode_of(c) == 0)
				c->armed = false; /* datasheet: writing the first byte stops mode 0 */
			return;
		}
		c->write_msb_next = false;
		load(c, (uint32_t)val << 8 | c->write_lsb, now);
		return;
	}
}

void pit_write(struct pit *p, unsigned reg, uint8_t val, uint64_t now)
{
	if (reg == 3)
		control_word(p, val, now);
	else if (reg < PIT_CHANNELS)
		write_count(&p->ch[reg], val, now);
}

static uint8_t read_latched(struct pit_channel *c)
{
	uint8_t b;
	if (c->access == 1 || (c->access == 3 && !c->latch_msb_next)) {
		b = (uint8_t)c->latch;
		if (c->access == 3) {
			c->latch_msb_next = true;
			return b;
		}
	} else {
		b = (uint8_t)(c->latch >> 8);
	}
	c->latched = false;
	c->latch_msb_next = false;
	return b;
}

uint8_t pit_read(struct pit *p, unsigned reg, uint64_t now)
{
	if (reg >= PIT_CHANNELS)
		return 0xff; /* the control word register cannot be read (datasheet) */
	struct pit_channel *c = &p->ch[reg];
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched)
		return read_latched(c);
	uint16_t v = pit_counter(c, now);
	switch (c->access) {
	case 1: return (uint8_t)v;
	case 2: return (uint8_t)(v >> 8);
	}
	c->read_msb_next = !c->read_msb_next;
	return c->read_msb_next ? (uint8_t)v : (uint8_t)(v >> 8);
}

void pit_write_port61(struct pit *p, uint8_t val, uint64_t now)
{
	struct pit_channel *c = &p->ch[2];
	bool gate = val & PORT61_GATE2;
	if (gate && !c->gate) { /* rising edge: modes 1, 2, 3, 5 restart; mode 0 resumes */
		if (mode_of(c) == 0 || mode_of(c) == 4)
			c->start = now - c->frozen;
		else
			c->start = now;
	} else if (!gate && c->gate) {
		c->frozen = now >= c->start ? now - c->start : 0;
	}
	c->gate = gate;
	p->port61 = val & PORT61_WRITABLE;
}

uint8_t pit_read_port61(const struct pit *p, uint64_t now)
{
	uint8_t v = p->port61;
	if (pit_output(&p->ch[2], now))
		v |= PORT61_OUT2;
	if ((now * 1000000ull / PIT_HZ / 15) & 1) /* refresh request toggles every ~15 us */
		v |= PORT61_REFRESH;
	return v;
}
