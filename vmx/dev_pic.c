/* dev_pic.c: the 8259A pair: ICW1-4, OCW1-3, IRR/ISR/IMR, priorities with rotation, EOIs, cascade, ELCR. */
#include <string.h>

#include "vmx/dev_pic.h"

/* Intel 8259A datasheet, "Initialization command words" and "Operation command words". */
#define ICW1_IC4 0x01    /* ICW4 needed */
#define ICW1_SNGL 0x02   /* single (no ICW3) */
#define ICW1_INIT 0x10   /* written to A0=0: start of initialization */
#define ICW4_AEOI 0x02
#define OCW3_SELECT 0x08 /* bits 4:3 = 01: OCW3 (00: OCW2) */
#define OCW3_RR 0x02     /* read register command */
#define OCW3_RIS 0x01    /* 1: ISR, 0: IRR */
#define OCW3_ESMM 0x40
#define OCW3_SMM 0x20
#define OCW2_CMD(v) (((v) >> 5) & 7) /* R, SL, EOI */
#define OCW2_LEVEL(v) ((v) & 7)
enum {
	OCW2_ROTATE_AEOI_CLEAR = 0, OCW2_EOI = 1, OCW2_NOP = 2, OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4, OCW2_ROTATE_EOI = 5, OCW2_SET_PRIORITY = 6, OCW2_ROTATE_SPECIFIC_EOI = 7,
};
/* PIIX/ICH ELCR: IRQ0, 1, 2 (master) and 8, 13 (slave) are always edge-triggered. */
#define ELCR_MASTER_MASK 0xf8
#define ELCR_SLAVE_MASK 0xde

void pic_init(struct pic *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 2; i++) {
		p->chip[i].lowest = 7;
		p->chip[i].imr = 0xff;
	}
	p->chip[0].elcr_mask = ELCR_MASTER_MASK;
	p->chip[1].elcr_mask = ELCR_SLAVE_MASK;
}

/* Priority rank of irq on c: 0 is the highest (the one after the lowest). */
static unsigned rank(const struct pic_chip *c, unsigned irq)
{
	return (irq - c->lowest - 1) & 7;
}

/* The IRQ of highest priority among the bits of mask, or -1. */
static int highest(const struct pic_chip *c, uint8_t mask)
{
	for (unsigned r = 0; r < 8; r++) {
		unsigned irq = (c->lowest + 1 + r) & 7;
		if (mask & (1u << irq))
			return (int)irq;
	}
	return -1;
}

/* The IRQ this chip would raise INT for, or -1: requested, unmasked, and of higher priority than
 * anything in service (special mask mode: any IRQ not itself in service). */
static int chip_pending(const struct pic_chip *c)
{
	int irq = highest(c, c->irr & ~c->imr);
	if (irq < 0)
		return -1;
	uint8_t in_service = c->special_mask ? c->isr & ~c->imr : c->isr;
	int busy = highest(c, in_service);
	if (busy >= 0 && rank(c, (unsigned)busy) <= rank(c, (unsigned)irq))
		return -1;
	return irq;
}

/* The slave's INT output drives master IRQ2 as a level. */
static void cascade(struct pic *p)
{
	struct pic_chip *m = &p->chip[0];
	if (chip_pending(&p->chip[1]) >= 0)
		m->irr |= 1u << PIC_CASCADE_IRQ;
	else
		m->irr &= ~(1u << PIC_CASCADE_IRQ);
}

void pic_set_irq(struct pic *p, unsigned irq, bool level)
{
	if (irq >= PIC_IRQS || irq == PIC_CASCADE_IRQ)
		return;
	struct pic_chip *c = &p->chip[irq >> 3];
	uint8_t bit = (uint8_t)(1u << (irq & 7));
	if (level) {
		if (!(c->lines & bit) || (c->elcr & bit))
			c->irr |= bit;
		c->lines |= bit;
	} else {
		c->lines &= (uint8_t)~bit;
		if (c->elcr & bit)
			c->irr &= (uint8_t)~bit;
	}
	cascade(p);
}

int pic_pending_vector(const struct pic *p)
{
	int irq = chip_pending(&p->chip[0]);
	if (irq < 0)
		return -1;
	if (irq == PIC_CASCADE_IRQ && !p->chip[0].single) {
		int s = chip_pending(&p->chip[1]);
		return s < 0 ? -1 : (p->chip[1].vector_base | s);
	}
	return p->chip[0].vector_base | irq;
}

/* INTA on one chip: IRR -> ISR (unless auto-EOI), edge requests are consumed. */
static void chip_ack(struct pic_chip *c, unsigned irq)
{
	uint8_t bit = (uint8_t)(1u << irq);
	if (c->auto_eoi) {
		if (c->rotate_auto_eoi)
			c->lowest = (uint8_t)irq;
	} else {
		c->isr |= bit;
	}
	if (!(c->elcr & bit))
		c->irr &= (uint8_t)~bit;
}

int pic_acknowledge(struct pic *p)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_pending(m);
	if (irq < 0)
		return m->vector_base | 7; /* datasheet: no request at INTA -> IR7 (spurious) */
	chip_ack(m, (unsigned)irq);
	int vector = m->vector_base | irq;
	if (irq == PIC_CASCADE_IRQ && !m->single) {
		int sirq = chip_pending(s);
		if (sirq < 0) {
			vector = s->vector_base | 7;
		} else {
			chip_ack(s, (unsigned)sirq);
			vector = s->vector_base | sirq;
		}
	}
	cascade(p);
	return vector;
}

static void write_icw1(struct pic_chip *c, uint8_t val)
{
	c->icw4_wanted = val & ICW1_IC4;
	c->single = val & ICW1_SNGL;
	c->icw_next = 2;
	c->imr = 0;
	c->isr = 0;
	c->irr &= c->elcr; /* edge sense is reset: a new rising edge is needed */
	c->lines &= c->elcr;
	c->lowest = 7;
	c->special_mask = c->read_isr = c->auto_eoi = c->rotate_auto_eoi = false;
}

/* Non-specific EOI: clears the highest-priority ISR bit; returns it (or -1). */
static int eoi_highest(struct pic_chip *c)
{
	int irq = highest(c, c->isr);
	if (irq >= 0)
		c->isr &= (uint8_t)~(1u << irq);
	return irq;
}

static void write_ocw2(struct pic_chip *c, uint8_t val)
{
	unsigned level = OCW2_LEVEL(val);
	int irq;
	switch (OCW2_CMD(val)) {
	case OCW2_ROTATE_AEOI_CLEAR: c->rotate_auto_eoi = false; return;
	case OCW2_ROTATE_AEOI_SET: c->rotate_auto_eoi = true; return;
	case OCW2_EOI: eoi_highest(c); return;
	case OCW2_ROTATE_EOI:
		if ((irq = eoi_highest(c)) >= 0)
			c->lowest = (uint8_t)irq;
		return;
	case OCW2_SPECIFIC_EOI: c->isr &= (uint8_t)~(1u << level); return;
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->isr &= (uint8_t)~(1u << level);
		c->lowest = (uint8_t)level;
		return;
	case OCW2_SET_PRIORITY: c->lowest = (uint8_t)level; return;
	case OCW2_NOP: return;
	}
}

static void write_ocw3(struct pic_chip *c, uint8_t val)
{
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
	/* Poll mode (bit 2) is not emulated: no PC operating system uses it. */
}

static void write_data(struct pic_chip *c, uint8_t val)
{
	switch (c->icw_next) {
	case 2:
		c->vector_base = val & 0xf8;
		c->icw_next = c->single ? (c->icw4_wanted ? 4 : 0) : 3;
		return;
	case 3: /* cascade wiring is fixed: slave on IRQ2 */
		c->icw_next = c->icw4_wanted ? 4 : 0;
		return;
	case 4:
		c->auto_eoi = val & ICW4_AEOI;
		c->icw_next = 0;
		return;
	}
	c->imr = val; /* OCW1 */
}

void pic_write(struct pic *p, unsigned chip, unsigned a0, uint8_t val)
{
	struct pic_chip *c = &p->chip[chip & 1];
	if (a0)
		write_data(c, val);
	else if (val & ICW1_INIT)
		write_icw1(c, val);
	else if (val & OCW3_SELECT)
		write_ocw3(c, val);
	else
		write_ocw2(c, val);
	cascade(p);
}

uint8_t pic_read(const struct pic *p, unsigned chip, unsigned a0)
{
	const struct pic_chip *c = &p->chip[chip & 1];
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

void pic_write_elcr(struct pic *p, unsigned chip, uint8_t val)
{
	struct pic_chip *c = &p->chip[chip & 1];
	c->elcr = val & c->elcr_mask;
}

uint8_t pic_read_elcr(const struct pic *p, unsigned chip)
{
	return p->chip[chip & 1].elcr;
}
