/* dev_lapic.c: the guest's local APIC: THE register table (xAPIC and x2APIC), priorities, the timer. */
#include <string.h>

#include "vmx/dev_lapic.h"

/* SDM Vol. 3A, 11.4.8: version 0x14 (an integrated APIC), 6 LVT entries (max LVT entry 5: timer,
 * thermal, performance counters, LINT0, LINT1, error; no CMCI), no EOI-broadcast suppression. */
#define LAPIC_VERSION_VALUE (0x14u | ((LVT_COUNT - 1u) << 16))
#define SVR_POWER_ON 0xffu
#define DFR_FLAT 0xffffffffu
/* SDM Vol. 3A, 11.6.1, Figure 11-12: ICR fields. */
#define ICR_VECTOR 0xffu
#define ICR_DELIVERY_MODE (7u << 8)
#define ICR_FIXED (0u << 8)
#define ICR_LOWEST_PRIORITY (1u << 8)
#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_SHORTHAND_SHIFT 18
enum { SHORTHAND_NONE, SHORTHAND_SELF, SHORTHAND_ALL, SHORTHAND_OTHERS };
/* The timer counts at the TSC's rate divided by its divide configuration (documented in docs/VMX.md). */
#define TIMER_TSC_PER_TICK 1u
#define FIRST_LEGAL_VECTOR 16u /* SDM Vol. 3A, 11.5.2: vectors 0-15 are illegal */

/* Who may read and write a register, in each mode (SDM Vol. 3A, Tables 11-1 and 11-6). */
#define XR 1u  /* xAPIC read */
#define XW 2u  /* xAPIC write */
#define X2R 4u /* x2APIC read */
#define X2W 8u /* x2APIC write */
#define ALL (XR | XW | X2R | X2W)

/* Each gets the register's offset (ISR, TMR, IRR: which of the eight; LVT: which entry). */
typedef uint64_t lapic_read_fn(struct lapic *l, unsigned reg, uint64_t now);
typedef void lapic_write_fn(struct lapic *l, unsigned reg, uint64_t val, uint64_t now);

static lapic_read_fn rd_id, rd_version, rd_tpr, rd_zero, rd_ppr, rd_ldr, rd_dfr, rd_svr, rd_isr, rd_tmr, rd_irr,
	rd_esr, rd_icr, rd_icr_high, rd_lvt, rd_initial, rd_current, rd_divide;
static lapic_write_fn wr_none, wr_tpr, wr_eoi, wr_ldr, wr_dfr, wr_svr, wr_esr, wr_icr, wr_icr_high, wr_lvt,
	wr_initial, wr_divide, wr_self_ipi;

/*
 * X(name, offset, how many 16-byte slots, access, read, write, bits a write may set): every
 * register of the APIC, once; an offset not here is absent (x2APIC #GP, xAPIC ESR bit 7). In
 * x2APIC mode a write with any other bit set is #GP; in xAPIC mode those bits are dropped.
 */
#define LAPIC_REGS(X)                                                                    \
	X(ID, LAPIC_ID, 1, XR | XW | X2R, rd_id, wr_none, 0)                             \
	X(VERSION, LAPIC_VERSION, 1, XR | X2R, rd_version, wr_none, 0)                   \
	X(TPR, LAPIC_TPR, 1, ALL, rd_tpr, wr_tpr, 0xffu)                                 \
	X(APR, LAPIC_APR, 1, XR, rd_zero, wr_none, 0)                                    \
	X(PPR, LAPIC_PPR, 1, XR | X2R, rd_ppr, wr_none, 0)                               \
	X(EOI, LAPIC_EOI, 1, XR | XW | X2W, rd_zero, wr_eoi, 0)                          \
	X(RRD, LAPIC_RRD, 1, XR, rd_zero, wr_none, 0)                                    \
	X(LDR, LAPIC_LDR, 1, XR | XW | X2R, rd_ldr, wr_ldr, 0xff000000u)                 \
	X(DFR, LAPIC_DFR, 1, XR | XW, rd_dfr, wr_dfr, 0xf0000000u)                       \
	X(SVR, LAPIC_SVR, 1, ALL, rd_svr, wr_svr, 0x3ffu)                                \
	X(ISR, LAPIC_ISR, 8, XR | X2R, rd_isr, wr_none, 0)                               \
	X(TMR, LAPIC_TMR, 8, XR | X2R, rd_tmr, wr_none, 0)                               \
	X(IRR, LAPIC_IRR, 8, XR | X2R, rd_irr, wr_none, 0)                               \
	X(ESR, LAPIC_ESR, 1, ALL, rd_esr, wr_esr, 0)                                     \
	X(ICR, LAPIC_ICR_LOW, 1, ALL, rd_icr, wr_icr, 0xffffffff000ccfffull)             \
	X(ICR_HIGH, LAPIC_ICR_HIGH, 1, XR | XW, rd_icr_high, wr_icr_high, 0xff000000u)   \
	X(LVT_TIMER, LAPIC_LVT_TIMER, 1, ALL, rd_lvt, wr_lvt, 0x700ffu)                  \
	X(LVT_THERMAL, LAPIC_LVT_THERMAL, 1, ALL, rd_lvt, wr_lvt, 0x107ffu)              \
	X(LVT_PERF, LAPIC_LVT_PERF, 1, ALL, rd_lvt, wr_lvt, 0x107ffu)                    \
	X(LVT_LINT0, LAPIC_LVT_LINT0, 1, ALL, rd_lvt, wr_lvt, 0x1a7ffu)                  \
	X(LVT_LINT1, LAPIC_LVT_LINT1, 1, ALL, rd_lvt, wr_lvt, 0x1a7ffu)                  \
	X(LVT_ERROR, LAPIC_LVT_ERROR, 1, ALL, rd_lvt, wr_lvt, 0x100ffu)                  \
	X(TIMER_INITIAL, LAPIC_TIMER_INITIAL, 1, ALL, rd_initial, wr_initial, 0xffffffffu) \
	X(TIMER_CURRENT, LAPIC_TIMER_CURRENT, 1, XR | X2R, rd_current, wr_none, 0)       \
	X(TIMER_DIVIDE, LAPIC_TIMER_DIVIDE, 1, ALL, rd_divide, wr_divide, 0xbu)          \
	X(SELF_IPI, LAPIC_SELF_IPI, 1, X2W, rd_zero, wr_self_ipi, 0xffu)

struct lapic_reg {
	uint16_t offset, slots;
	uint8_t access;
	lapic_read_fn *read;
	lapic_write_fn *write;
	uint64_t writable;
};

#define LAPIC_REG_ENTRY(name, off, n, acc, r, w, bits) { off, n, acc, r, w, bits },
static const struct lapic_reg regs[] = { LAPIC_REGS(LAPIC_REG_ENTRY) };
#undef LAPIC_REG_ENTRY

static const struct lapic_reg *find_reg(unsigned offset)
{
	if (offset & 0xf)
		return NULL;
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (offset >= regs[i].offset && offset < regs[i].offset + 0x10u * regs[i].slots)
			return &regs[i];
	return NULL;
}

/* Vector bitmaps: 256 bits as eight 32-bit registers. */
static void bit_set(uint32_t *map, unsigned v) { map[v >> 5] |= 1u << (v & 31); }
static void bit_clear(uint32_t *map, unsigned v) { map[v >> 5] &= ~(1u << (v & 31)); }

static int highest(const uint32_t *map)
{
	for (int i = 7; i >= 0; i--)
		if (map[i])
			return i * 32 + 31 - __builtin_clz(map[i]);
	return -1;
}

static void reset_registers(struct lapic *l)
{
	uint64_t base = l->base, fired = l->timer_fired, dropped = l->ipis_dropped;
	memset(l, 0, sizeof(*l));
	l->base = base;
	l->timer_fired = fired;
	l->ipis_dropped = dropped;
	l->dfr = DFR_FLAT;
	l->svr = SVR_POWER_ON;
	for (unsigned i = 0; i < LVT_COUNT; i++)
		l->lvt[i] = LVT_MASKED;
	l->timer_next = LAPIC_NEVER;
}

void lapic_init(struct lapic *l)
{
	l->base = APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN;
	l->timer_fired = l->ipis_dropped = 0;
	reset_registers(l);
}

void lapic_firmware_init(struct lapic *l)
{
	lapic_init(l);
	l->svr = SVR_ENABLE | SVR_POWER_ON;
	l->lvt[LVT_LINT0] = LVT_DELIVERY_EXTINT;
	l->lvt[LVT_LINT1] = LVT_DELIVERY_NMI;
}

bool lapic_enabled(const struct lapic *l) { return l->base & APIC_BASE_EN; }
bool lapic_x2apic(const struct lapic *l) { return (l->base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD); }
static bool software_enabled(const struct lapic *l) { return lapic_enabled(l) && (l->svr & SVR_ENABLE); }

/* SDM Vol. 3A, 11.12.5, Figure 11-27: disabled <-> xAPIC -> x2APIC -> disabled; EXTD without EN
 * is invalid, and x2APIC -> xAPIC or disabled -> x2APIC are refused. BSP is read-only. Disabling
 * returns the APIC to its power-on registers (11.4.3). */
bool lapic_write_base(struct lapic *l, uint64_t val, uint64_t phys_reserved)
{
	const uint64_t writable = APIC_BASE_ADDR_MASK | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP;
	bool was_on = lapic_enabled(l), was_x2 = lapic_x2apic(l);
	bool on = val & APIC_BASE_EN, x2 = on && (val & APIC_BASE_EXTD);
	if ((val & ~writable) || (val & phys_reserved) || ((val ^ l->base) & APIC_BASE_BSP))
		return false;
	if ((val & APIC_BASE_EXTD) && !on)
		return false; /* invalid state */
	if ((was_x2 && on && !x2) || (!was_on && x2))
		return false;
	l->base = val;
	if (!on)
		reset_registers(l);
	return true;
}

uint32_t lapic_ppr(const struct lapic *l)
{
	int isrv = highest(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0u;
	return (l->tpr & 0xf0u) >= isr_class ? l->tpr & 0xffu : isr_class;
}

int lapic_pending_vector(const struct lapic *l)
{
	if (!lapic_enabled(l))
		return -1;
	int v = highest(l->irr);
	if (v < 0 || ((uint32_t)v & 0xf0u) <= (lapic_ppr(l) & 0xf0u))
		return -1;
	return v;
}

int lapic_acknowledge(struct lapic *l)
{
	int v = lapic_pending_vector(l);
	if (v >= 0) {
		bit_clear(l->irr, (unsigned)v);
		bit_set(l->isr, (unsigned)v);
		l->requested = highest(l->irr) >= 0;
	}
	return v;
}

bool lapic_accepts_extint(const struct lapic *l)
{
	if (!lapic_enabled(l))
		return true; /* the 8259's INTR goes straight to the CPU, as with no APIC */
	uint32_t lint0 = l->lvt[LVT_LINT0];
	return software_enabled(l) && !(lint0 & LVT_MASKED) && (lint0 & LVT_DELIVERY_MODE) == LVT_DELIVERY_EXTINT;
}

/* An error the APIC detects: latched for the next ESR write, and the error LVT's interrupt. */
static void raise_error(struct lapic *l, uint32_t bit);

/* A fixed interrupt for this APIC (SDM Vol. 3A, 11.5.2: vectors 0-15 are an error). */
static void accept(struct lapic *l, unsigned vector)
{
	if (vector < FIRST_LEGAL_VECTOR) {
		raise_error(l, ESR_RECEIVE_ILLEGAL_VECTOR);
		return;
	}
	bit_set(l->irr, vector);
	l->requested = true;
	bit_clear(l->tmr, vector); /* edge-triggered */
}

static void raise_error(struct lapic *l, uint32_t bit)
{
	bool first = !(l->esr_pending & bit);
	l->esr_pending |= bit;
	uint32_t lvt = l->lvt[LVT_ERROR];
	if (first && !(lvt & LVT_MASKED) && (lvt & LVT_VECTOR) >= FIRST_LEGAL_VECTOR)
		accept(l, lvt & LVT_VECTOR);
}

void lapic_set_cr8(struct lapic *l, uint64_t cr8) { l->tpr = (uint32_t)(cr8 & 0xf) << 4; }
uint64_t lapic_cr8(const struct lapic *l) { return (l->tpr >> 4) & 0xf; }

/* --- the timer (SDM Vol. 3A, 11.5.4) --- */

static uint32_t timer_mode(const struct lapic *l) { return l->lvt[LVT_TIMER] & LVT_TIMER_MODE; }

unsigned lapic_timer_divisor(const struct lapic *l)
{
	/* Figure 11-10: bits 3, 1, 0 give 2^(value+1), and 111b divides by 1. */
	unsigned code = ((l->timer_divide >> 1) & 4u) | (l->timer_divide & 3u);
	return code == 7 ? 1u : 2u << code;
}

static uint64_t tick_cycles(const struct lapic *l) { return (uint64_t)lapic_timer_divisor(l) * TIMER_TSC_PER_TICK; }

static void timer_load(struct lapic *l, uint64_t now)
{
	l->timer_start = now;
	l->timer_next = l->timer_initial && timer_mode(l) != LVT_TIMER_TSC_DEADLINE
				? now + (uint64_t)l->timer_initial * tick_cycles(l)
				: LAPIC_NEVER;
}

static void timer_fire(struct lapic *l)
{
	uint32_t lvt = l->lvt[LVT_TIMER];
	l->timer_fired++;
	if (!(lvt & LVT_MASKED))
		accept(l, lvt & LVT_VECTOR);
}

void lapic_update(struct lapic *l, uint64_t now)
{
	if (l->timer_next == LAPIC_NEVER || now < l->timer_next)
		return;
	timer_fire(l); /* missed periods coalesce: the IRR holds one request per vector */
	if (timer_mode(l) == LVT_TIMER_TSC_DEADLINE) {
		l->deadline = 0;
		l->timer_next = LAPIC_NEVER;
	} else if (timer_mode(l) == LVT_TIMER_PERIODIC) {
		uint64_t period = (uint64_t)l->timer_initial * tick_cycles(l);
		l->timer_next += ((now - l->timer_next) / period + 1) * period;
	} else {
		l->timer_next = LAPIC_NEVER;
	}
}

uint64_t lapic_next_deadline(const struct lapic *l)
{
	return lapic_enabled(l) ? l->timer_next : LAPIC_NEVER;
}

static uint32_t timer_current(const struct lapic *l, uint64_t now)
{
	if (timer_mode(l) == LVT_TIMER_TSC_DEADLINE || !l->timer_initial)
		return 0;
	uint64_t ticks = (now - l->timer_start) / tick_cycles(l);
	if (timer_mode(l) == LVT_TIMER_PERIODIC)
		return l->timer_initial - (uint32_t)(ticks % l->timer_initial);
	return ticks >= l->timer_initial || l->timer_next == LAPIC_NEVER ? 0 : l->timer_initial - (uint32_t)ticks;
}

void lapic_write_deadline(struct lapic *l, uint64_t host_tsc)
{
	if (timer_mode(l) != LVT_TIMER_TSC_DEADLINE || !lapic_enabled(l))
		return;
	l->deadline = host_tsc;
	l->timer_next = host_tsc ? host_tsc : LAPIC_NEVER;
}

uint64_t lapic_read_deadline(const struct lapic *l)
{
	return timer_mode(l) == LVT_TIMER_TSC_DEADLINE ? l->deadline : 0;
}

/* --- register reads --- */

/* APIC ID 0 (xAPIC: bits 31:24, shifted by lapic_read; x2APIC: all 32 bits). */
static uint64_t rd_id(struct lapic *l, unsigned reg, uint64_t now) { (void)l, (void)reg, (void)now; return 0; }
static uint64_t rd_version(struct lapic *l, unsigned reg, uint64_t now) { (void)l, (void)reg, (void)now; return LAPIC_VERSION_VALUE; }
static uint64_t rd_tpr(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return l->tpr; }
static uint64_t rd_zero(struct lapic *l, unsigned reg, uint64_t now) { (void)l, (void)reg, (void)now; return 0; }
static uint64_t rd_ppr(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return lapic_ppr(l); }
/* SDM Vol. 3A, 11.12.10.2: the x2APIC logical ID is derived from the x2APIC ID (cluster 0, bit 0 for ID 0). */
static uint64_t rd_ldr(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return lapic_x2apic(l) ? 1u : l->ldr; }
static uint64_t rd_dfr(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return l->dfr | 0x0fffffffu; }
static uint64_t rd_svr(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return l->svr; }
static uint64_t rd_isr(struct lapic *l, unsigned reg, uint64_t now) { (void)now; return l->isr[(reg - LAPIC_ISR) >> 4]; }
static uint64_t rd_tmr(struct lapic *l, unsigned reg, uint64_t now) { (void)now; return l->tmr[(reg - LAPIC_TMR) >> 4]; }
static uint64_t rd_irr(struct lapic *l, unsigned reg, uint64_t now) { (void)now; return l->irr[(reg - LAPIC_IRR) >> 4]; }
static uint64_t rd_esr(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return l->esr; }
static uint64_t rd_icr(struct lapic *l, unsigned reg, uint64_t now)
{
	(void)reg, (void)now;
	return lapic_x2apic(l) ? ((uint64_t)l->icr_high << 32) | l->icr_low : l->icr_low;
}
static uint64_t rd_icr_high(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return l->icr_high; }
static uint64_t rd_initial(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return l->timer_initial; }
static uint64_t rd_current(struct lapic *l, unsigned reg, uint64_t now) { (void)reg; return timer_current(l, now); }
static uint64_t rd_divide(struct lapic *l, unsigned reg, uint64_t now) { (void)reg, (void)now; return l->timer_divide; }

static enum lapic_lvt lvt_of(unsigned offset) { return (enum lapic_lvt)((offset - LAPIC_LVT_TIMER) >> 4); }

static uint64_t rd_lvt(struct lapic *l, unsigned reg, uint64_t now) { (void)now; return l->lvt[lvt_of(reg)]; }

/* --- register writes --- */

static void wr_none(struct lapic *l, unsigned reg, uint64_t val, uint64_t now) { (void)l, (void)reg, (void)val, (void)now; }
static void wr_tpr(struct lapic *l, unsigned reg, uint64_t val, uint64_t now) { (void)reg, (void)now; l->tpr = (uint32_t)val & 0xffu; }

/* SDM Vol. 3A, 11.8.5: EOI retires the highest-priority interrupt in service. */
static void wr_eoi(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)reg, (void)val, (void)now;
	int v = highest(l->isr);
	if (v >= 0)
		bit_clear(l->isr, (unsigned)v);
}
static void wr_ldr(struct lapic *l, unsigned reg, uint64_t val, uint64_t now) { (void)reg, (void)now; l->ldr = (uint32_t)val & 0xff000000u; }
static void wr_dfr(struct lapic *l, unsigned reg, uint64_t val, uint64_t now) { (void)reg, (void)now; l->dfr = (uint32_t)val | 0x0fffffffu; }

/* SDM Vol. 3A, 11.4.7.2: software-disabled, every LVT is masked and stays so. */
static void wr_svr(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)reg, (void)now;
	l->svr = (uint32_t)val & 0x3ffu;
	if (!(l->svr & SVR_ENABLE))
		for (unsigned k = 0; k < LVT_COUNT; k++)
			l->lvt[k] |= LVT_MASKED;
}

/* SDM Vol. 3A, 11.5.3: a write latches the errors found since the last one. */
static void wr_esr(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)reg, (void)val, (void)now;
	l->esr = l->esr_pending;
	l->esr_pending = 0;
}

/* SDM Vol. 3A, 11.6.1: an IPI. Only this CPU exists: fixed and lowest-priority interrupts to
 * itself (the self shorthand, all-including-self, or its own physical ID 0 / logical bit) are
 * accepted; everything addressed to other CPUs, and INIT, SIPI, SMI, NMI, goes nowhere. */
static void send_ipi(struct lapic *l)
{
	unsigned vector = l->icr_low & ICR_VECTOR, shorthand = (l->icr_low >> ICR_SHORTHAND_SHIFT) & 3u;
	uint32_t mode = l->icr_low & ICR_DELIVERY_MODE;
	uint32_t dest = lapic_x2apic(l) ? l->icr_high : l->icr_high >> 24;
	bool self = shorthand == SHORTHAND_SELF || shorthand == SHORTHAND_ALL;
	if (shorthand == SHORTHAND_NONE)
		self = (l->icr_low & ICR_DEST_LOGICAL) ? (dest & 1u) != 0 /* ID 0's logical bit (flat or cluster 0) */
						      : dest == 0 || dest == (lapic_x2apic(l) ? 0xffffffffu : 0xffu);
	bool fixed = mode == ICR_FIXED || mode == ICR_LOWEST_PRIORITY;
	if (fixed && vector < FIRST_LEGAL_VECTOR) {
		raise_error(l, ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	if (self && fixed)
		accept(l, vector);
	if (!self || shorthand == SHORTHAND_ALL || !fixed)
		l->ipis_dropped++;
}

static void wr_icr(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)reg, (void)now;
	l->icr_low = (uint32_t)val & 0x000ccfffu; /* delivery status (bit 12) reads 0: sent at once */
	if (lapic_x2apic(l))
		l->icr_high = (uint32_t)(val >> 32);
	send_ipi(l);
}
static void wr_icr_high(struct lapic *l, unsigned reg, uint64_t val, uint64_t now) { (void)reg, (void)now; l->icr_high = (uint32_t)val & 0xff000000u; }

static void wr_lvt(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)now;
	enum lapic_lvt n = lvt_of(reg);
	uint32_t v = (uint32_t)val;
	if (!(l->svr & SVR_ENABLE))
		v |= LVT_MASKED;
	if (n == LVT_TIMER) {
		bool was_deadline = timer_mode(l) == LVT_TIMER_TSC_DEADLINE;
		l->lvt[n] = v;
		if (was_deadline != (timer_mode(l) == LVT_TIMER_TSC_DEADLINE)) {
			/* SDM 11.5.4.1: a change to or from TSC-deadline mode disarms the timer */
			l->timer_initial = 0;
			l->deadline = 0;
			l->timer_next = LAPIC_NEVER;
		}
		return;
	}
	l->lvt[n] = v;
}

static void wr_initial(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)reg;
	if (timer_mode(l) == LVT_TIMER_TSC_DEADLINE)
		return; /* SDM 11.5.4.1: ignored in TSC-deadline mode */
	l->timer_initial = (uint32_t)val;
	timer_load(l, now);
}

/* A new divisor applies from now: the count so far is kept (SDM leaves the moment undefined). */
static void wr_divide(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)reg;
	uint32_t current = timer_current(l, now);
	l->timer_divide = (uint32_t)val & 0xbu;
	if (l->timer_next != LAPIC_NEVER && current) {
		l->timer_start = now - (uint64_t)(l->timer_initial - current) * tick_cycles(l);
		l->timer_next = now + (uint64_t)current * tick_cycles(l);
	}
}

static void wr_self_ipi(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	(void)reg, (void)now;
	if ((val & 0xffu) < FIRST_LEGAL_VECTOR)
		raise_error(l, ESR_SEND_ILLEGAL_VECTOR);
	else
		accept(l, (unsigned)val & 0xffu);
}

/* --- access rules (SDM Vol. 3A, 11.4.1 for xAPIC, 11.12.1.2 for x2APIC) --- */

/* The register at reg as the current mode has it, the timer brought up to now first; NULL when
 * absent (in xAPIC mode that is an illegal-register error). */
static const struct lapic_reg *lookup(struct lapic *l, unsigned reg, uint64_t now)
{
	const struct lapic_reg *r = find_reg(reg);
	bool x2 = lapic_x2apic(l);
	lapic_update(l, now);
	if (r && (r->access & (x2 ? X2R | X2W : XR | XW)))
		return r;
	if (!x2)
		raise_error(l, ESR_ILLEGAL_REGISTER);
	return NULL;
}

enum lapic_access lapic_read(struct lapic *l, unsigned reg, uint64_t now, uint64_t *val)
{
	const struct lapic_reg *r = lookup(l, reg, now);
	bool x2 = lapic_x2apic(l);
	*val = 0;
	if (!r)
		return LAPIC_ABSENT;
	if (!(r->access & (x2 ? X2R : XR)))
		return LAPIC_WRITE_ONLY;
	*val = r->read(l, reg, now);
	if (!x2)
		*val = (uint32_t)*val;
	if (!x2 && reg == LAPIC_ID)
		*val <<= 24;
	return LAPIC_OK;
}

/* Bits a write may not set beyond the table's mask: timer mode 11b is reserved. */
static bool reserved_value(unsigned reg, uint64_t val)
{
	return reg == LAPIC_LVT_TIMER && (val & LVT_TIMER_MODE) == LVT_TIMER_MODE;
}

enum lapic_access lapic_write(struct lapic *l, unsigned reg, uint64_t val, uint64_t now)
{
	const struct lapic_reg *r = lookup(l, reg, now);
	bool x2 = lapic_x2apic(l);
	if (!r)
		return LAPIC_ABSENT;
	if (!(r->access & (x2 ? X2W : XW)))
		return LAPIC_READ_ONLY;
	if (x2 && ((val & ~r->writable) || reserved_value(reg, val)))
		return LAPIC_RESERVED_BITS;
	if (!x2 && reserved_value(reg, val))
		val &= ~(uint64_t)LVT_TIMER_MODE;
	r->write(l, reg, val & r->writable, now);
	return LAPIC_OK;
}
