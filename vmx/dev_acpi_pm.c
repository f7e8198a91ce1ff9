/* dev_acpi_pm.c: the ACPI PM1a event and control blocks and the PM timer (3.579545 MHz from the TSC) of the guest's FADT. */
#include "kernel/arch/acpi.h"
#include "kernel/arch/x86.h"
#include "vmx/acpi_tables.h"
#include "vmx/dev_board.h"
#include "vmx/vcpu.h"

/* ACPI 6.4, 4.8.3.3: the timer is 24 bits wide (the FADT leaves TMR_VAL_EXT clear). */
#define PM_TIMER_MASK 0xffffffu
/* 4.8.3.1: PM1 status bits are cleared by writing 1; 4.8.3.2.1: SLP_TYP (12:10), SLP_EN (13). */
#define PM1_SLP_TYP_MASK (7u << ACPI_PM1_SLP_TYP_SHIFT)
#define PM1_CNT_WRITABLE (ACPI_PM1_SCI_EN | PM1_SLP_TYP_MASK)

/* Ports 0x600-0x605, a byte at a time (the port table splits wider accesses): status, enable, control. */
uint32_t acpi_pm_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)size;
	unsigned off = port - ACPI_PM1A_EVT_PORT;
	const uint16_t regs[3] = { v->plat.pm1_status, v->plat.pm1_enable, v->plat.pm1_control };
	return (regs[off / 2] >> (8 * (off & 1))) & 0xff;
}

void acpi_pm_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)size;
	unsigned off = port - ACPI_PM1A_EVT_PORT, shift = 8 * (off & 1);
	uint16_t bits = (uint16_t)((val & 0xff) << shift);
	switch (off / 2) {
	case 0:
		v->plat.pm1_status &= (uint16_t)~bits;
		break;
	case 1:
		v->plat.pm1_enable = (uint16_t)((v->plat.pm1_enable & ~(0xffu << shift)) | bits);
		break;
	case 2: {
		uint16_t ctl = (uint16_t)((v->plat.pm1_control & ~(0xffu << shift)) | bits);
		if ((ctl & ACPI_PM1_SLP_EN) && ((ctl & PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT) == ACPI_S5_SLP_TYP) {
			vcpu_report(v, "powered off through ACPI (S5 in PM1a control); stopped");
			v->stopped = true;
			return;
		}
		/* Other sleep states are not in the DSDT: SLP_EN for them does nothing. */
		v->plat.pm1_control = (uint16_t)((ctl & PM1_CNT_WRITABLE) | ACPI_PM1_SCI_EN);
		break;
	}
	}
}

/* Port 0x608: the timer, read whole (the port table does not split these accesses). */
uint32_t acpi_pm_timer_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)v;
	uint32_t t = (uint32_t)platform_pm_ticks(rdtsc()) & PM_TIMER_MASK;
	t >>= 8 * (port - ACPI_PM_TMR_PORT);
	return size == 4 ? t : t & ((1u << (8 * size)) - 1);
}

void acpi_pm_timer_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)v, (void)port, (void)size, (void)val; /* read-only */
}
