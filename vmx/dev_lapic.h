/* dev_lapic.h: the guest's local APIC (xAPIC and x2APIC registers, timer, priorities), pure logic. */
#ifndef VMX_DEV_LAPIC_H
#define VMX_DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Intel SDM Vol. 3A, 11.4.4: IA32_APIC_BASE (MSR 0x1B). */
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)   /* global enable */
#define APIC_BASE_ADDR_MASK 0xfffffffffffff000ull
#define APIC_DEFAULT_BASE 0xfee00000ull
#define APIC_PAGE_SIZE 0x1000u
/* SDM Vol. 3A, 11.12.1: the x2APIC registers are MSRs 0x800 + (xAPIC offset >> 4). */
#define X2APIC_MSR_FIRST 0x800u
#define X2APIC_MSR_LAST 0x8ffu
#define LAPIC_NEVER UINT64_MAX

/* SDM Vol. 3A, Table 11-6 (xAPIC offsets) and Table 11-8 (x2APIC MSRs). */
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_APR 0x090
#define LAPIC_PPR 0x0a0
#define LAPIC_EOI 0x0b0
#define LAPIC_RRD 0x0c0
#define LAPIC_LDR 0x0d0
#define LAPIC_DFR 0x0e0
#define LAPIC_SVR 0x0f0
#define LAPIC_ISR 0x100 /* 8 registers of 32 vectors, 0x10 apart */
#define LAPIC_TMR 0x180
#define LAPIC_IRR 0x200
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LAPIC_SELF_IPI 0x3f0 /* x2APIC only */

/* SDM Vol. 3A, 11.5.1, Figure 11-8: LVT fields. */
#define LVT_VECTOR 0xffu
#define LVT_DELIVERY_MODE (7u << 8)
#define LVT_DELIVERY_EXTINT (7u << 8)
#define LVT_DELIVERY_NMI (4u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE (3u << 17)
#define LVT_TIMER_ONESHOT (0u << 17)
#define LVT_TIMER_PERIODIC (1u << 17)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define SVR_ENABLE (1u << 8)
/* SDM Vol. 3A, 11.5.3, Figure 11-9: ESR bits. */
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)

enum lapic_lvt { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

struct lapic {
	uint64_t base;           /* IA32_APIC_BASE as the guest sees it */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t isr[8], tmr[8], irr[8];
	bool requested;          /* some IRR bit is set (kept with the IRR: the check before every entry) */
	uint32_t esr, esr_pending; /* ESR shows what was latched at its last write; errors since wait */
	uint32_t icr_low, icr_high;
	uint32_t lvt[LVT_COUNT];
	uint32_t timer_initial, timer_divide;
	uint64_t timer_start;    /* TSC when the count was loaded */
	uint64_t timer_next;     /* TSC of the next timer event, LAPIC_NEVER when it is not counting */
	uint64_t deadline;       /* TSC-deadline mode: the deadline in host TSC (0: disarmed) */
	uint64_t timer_fired;    /* timer interrupts raised since power-on (shown by `pc NAME`) */
	uint64_t ipis_dropped;   /* IPIs addressed to other CPUs (there are none) */
};

/* What a register access did (lapic_read/lapic_write). In x2APIC mode every result but LAPIC_OK
 * is #GP for the caller (SDM Vol. 3A, 11.12.1.2); in xAPIC mode the model has already flagged an
 * illegal register in the ESR and the access goes on (a read gives 0). */
enum lapic_access { LAPIC_OK, LAPIC_ABSENT, LAPIC_READ_ONLY, LAPIC_WRITE_ONLY, LAPIC_RESERVED_BITS };

/* Power-on state (SDM Vol. 3A, 11.4.7.1): enabled at APIC_DEFAULT_BASE, software-disabled,
 * every LVT masked. */
void lapic_init(struct lapic *l);
/* The state a PC BIOS leaves it in: software-enabled, LINT0 ExtINT (the 8259's INTR), LINT1 NMI. */
void lapic_firmware_init(struct lapic *l);
/* WRMSR IA32_APIC_BASE: false for a value or a mode transition the CPU refuses (#GP). phys_reserved
 * holds the address bits at and above MAXPHYADDR. */
bool lapic_write_base(struct lapic *l, uint64_t val, uint64_t phys_reserved);
bool lapic_enabled(const struct lapic *l);
bool lapic_x2apic(const struct lapic *l);

/* A register at xAPIC offset reg (x2APIC: (msr - 0x800) << 4), at host TSC now. ICR is 64 bits
 * in x2APIC mode; other registers take and give 32. */
enum lapic_access lapic_read(struct lapic *l, unsigned reg, uint64_t now, uint64_t *val);
enum lapic_access lapic_write(struct lapic *l, unsigned reg, uint64_t val, uint64_t now);

/* IA32_TSC_DEADLINE in host TSC (the caller removes the TSC offset): arms or (0) disarms the timer
 * in TSC-deadline mode; ignored in the other modes. */
void lapic_write_deadline(struct lapic *l, uint64_t host_tsc);
uint64_t lapic_read_deadline(const struct lapic *l);

/* The timer's events up to now become requests in the IRR. */
void lapic_update(struct lapic *l, uint64_t now);
/* TSC of the timer's next interrupt, or LAPIC_NEVER. */
uint64_t lapic_next_deadline(const struct lapic *l);
/* The highest requested vector the processor priority lets through, or -1. */
int lapic_pending_vector(const struct lapic *l);
/* Moves that vector from IRR to ISR and returns it. */
int lapic_acknowledge(struct lapic *l);
/* The 8259's INTR reaches the CPU: through LINT0 in ExtINT mode, or directly with the APIC off. */
bool lapic_accepts_extint(const struct lapic *l);
/* Nothing is requested and the timer is not counting (inline: it runs before every VM entry). */
static inline bool lapic_quiet(const struct lapic *l)
{
	return l->timer_next == LAPIC_NEVER && !l->requested;
}
/* CR8 is TPR bits 7:4 (SDM Vol. 3A, 11.8.6.1). */
void lapic_set_cr8(struct lapic *l, uint64_t cr8);
uint64_t lapic_cr8(const struct lapic *l);
uint32_t lapic_ppr(const struct lapic *l);
/* The timer's divisor from its divide configuration (1 to 128). */
unsigned lapic_timer_divisor(const struct lapic *l);

#endif
