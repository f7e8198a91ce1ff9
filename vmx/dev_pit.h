/* dev_pit.h: the guest's 8254 PIT (ports 0x40-0x43, channel 2 gate and output in port 0x61), pure logic. */
#ifndef VMX_DEV_PIT_H
#define VMX_DEV_PIT_H

#include <stdbool.h>
#include <stdint.h>

/* Intel 8254 datasheet (order 231164): the PC clocks it at 1.193182 MHz. */
#define PIT_HZ 1193182u
#define PIT_CHANNELS 3
#define PIT_NEVER UINT64_MAX

/* One counter. Times are in PIT ticks (the caller converts from the TSC). */
struct pit_channel {
	uint8_t mode;          /* 0-5 */
	uint8_t access;        /* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;             /* channels 0 and 1: always high; channel 2: port 0x61 bit 0 */
	bool armed;            /* a count has been written since the last control word */
	bool write_msb_next;   /* access 3: the next write is the MSB */
	bool read_msb_next;
	uint8_t write_lsb;
	uint32_t count;        /* the initial count (0 means 0x10000, or 10^4 in BCD) */
	uint64_t start;        /* when counting (re)started from count */
	uint64_t frozen;       /* elapsed ticks when the gate went low (mode 0 pauses) */
	bool latched, status_latched, latch_msb_next;
	uint16_t latch;
	uint8_t status;
	uint64_t irq_seen;     /* channel 0: output edges already turned into IRQ0 */
};

struct pit {
	struct pit_channel ch[PIT_CHANNELS];
	uint8_t port61;        /* bits 0 (gate 2) and 1 (speaker data) as written */
};

void pit_init(struct pit *p);
/* Port 0x40-0x43 (reg = port - 0x40) at time now. */
void pit_write(struct pit *p, unsigned reg, uint8_t val, uint64_t now);
uint8_t pit_read(struct pit *p, unsigned reg, uint64_t now);
/* Port 0x61 (NMI status and control): bit 0 gate 2, bit 1 speaker, bit 4 refresh, bit 5 OUT2. */
void pit_write_port61(struct pit *p, uint8_t val, uint64_t now);
uint8_t pit_read_port61(const struct pit *p, uint64_t now);
/* The counter's value and output at time now. */
uint16_t pit_counter(const struct pit_channel *c, uint64_t now);
bool pit_output(const struct pit_channel *c, uint64_t now);
/* Channel 0: how many rising edges of OUT0 (IRQ0 requests) happened up to now since the last call. */
uint64_t pit_irq0_edges(struct pit *p, uint64_t now);
/* Channel 0: the time of its next rising edge, or PIT_NEVER. */
uint64_t pit_irq0_next(const struct pit *p);

#endif
