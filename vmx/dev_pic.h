/* dev_pic.h: the guest's 8259A PIC pair (master at 0x20, slave at 0xa0 on IRQ2), pure logic. */
#ifndef VMX_DEV_PIC_H
#define VMX_DEV_PIC_H

#include <stdbool.h>
#include <stdint.h>

/* Intel 8259A datasheet (order 231468): the chip's registers and initialization sequence. */
struct pic_chip {
	uint8_t irr, isr, imr;
	uint8_t lines;        /* input levels as last set (edge detection) */
	uint8_t vector_base;  /* ICW2 bits 7:3 */
	uint8_t icw_next;     /* 0: initialized; 2, 3, 4: which ICW the next data write is */
	bool icw4_wanted, single, auto_eoi, read_isr, special_mask, rotate_auto_eoi;
	uint8_t lowest;       /* the IRQ with the lowest priority (rotation); 7 after ICW1 */
	uint8_t elcr;         /* edge/level control (0x4d0/0x4d1): 1 = level-triggered */
	uint8_t elcr_mask;    /* the bits of the ELCR that exist */
};

struct pic {
	struct pic_chip chip[2]; /* master, slave */
};

#define PIC_CASCADE_IRQ 2
#define PIC_IRQS 16

void pic_init(struct pic *p);
/* Sets input line irq (0-15) to level: a rising edge (or a high level under ELCR) requests it. */
void pic_set_irq(struct pic *p, unsigned irq, bool level);
/* The vector the pair would deliver now, or -1 when its INT output is low. */
int pic_pending_vector(const struct pic *p);
/* INTA: the vector delivered (IRR -> ISR), the spurious vector IRQ7/IRQ15 when nothing is left. */
int pic_acknowledge(struct pic *p);
/* Port accesses: chip 0 or 1, a0 = address bit 0 (0x20/0xa0 = 0, 0x21/0xa1 = 1). */
void pic_write(struct pic *p, unsigned chip, unsigned a0, uint8_t val);
uint8_t pic_read(const struct pic *p, unsigned chip, unsigned a0);
/* ELCR (0x4d0 master, 0x4d1 slave). */
void pic_write_elcr(struct pic *p, unsigned chip, uint8_t val);
uint8_t pic_read_elcr(const struct pic *p, unsigned chip);

#endif
