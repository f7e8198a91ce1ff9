/* platform_view.c: `pc NAME`: the registers of a guest's emulated PC as the guest left them (APIC, PIC, PIT, COM1, ACPI PM). */
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/arch/uart.h"
#include "kernel/console.h"
#include "vmx/platform.h"
#include "vmx/vcpu.h"

static void print_vectors(const char *what, const uint32_t *map)
{
	kprintf(" %s", what);
	bool any = false;
	for (unsigned v = 0; v < 256; v++)
		if (map[v >> 5] & (1u << (v & 31))) {
			kprintf(" 0x%02x", v);
			any = true;
		}
	if (!any)
		kprintf(" -");
}

static void print_lapic(const struct lapic *l, uint64_t now)
{
	static const char *const modes[] = { "one-shot", "periodic", "TSC-deadline", "reserved" };
	kprintf("  APIC     base 0x%llx %s  TPR 0x%02x PPR 0x%02x  SVR 0x%03x  ESR 0x%02x ", (unsigned long long)l->base,
		!lapic_enabled(l) ? "disabled" : lapic_x2apic(l) ? "x2APIC" : "xAPIC", l->tpr, lapic_ppr(l), l->svr, l->esr);
	print_vectors("IRR", l->irr);
	print_vectors("  ISR", l->isr);
	kprintf("\n  APIC LVT timer 0x%05x LINT0 0x%05x LINT1 0x%05x error 0x%05x  ICR 0x%08x:%08x  %llu IPI(s) to no CPU\n",
		l->lvt[LVT_TIMER], l->lvt[LVT_LINT0], l->lvt[LVT_LINT1], l->lvt[LVT_ERROR], l->icr_high, l->icr_low,
		(unsigned long long)l->ipis_dropped);
	kprintf("  APIC timer %s, divide by %u, initial count %u, %llu interrupt(s) so far", modes[(l->lvt[LVT_TIMER] >> 17) & 3],
		lapic_timer_divisor(l), l->timer_initial, (unsigned long long)l->timer_fired);
	if (l->timer_next == LAPIC_NEVER)
		kprintf(", not counting\n");
	else
		kprintf(", next in %llu us\n",
			(unsigned long long)(l->timer_next > now ? tsc_cycles_to_ns(l->timer_next - now) / 1000 : 0));
}

static void print_pic(const struct pic_chip *c, const char *which)
{
	kprintf("  PIC %-6s vectors 0x%02x-0x%02x  IRR 0x%02x  ISR 0x%02x  IMR 0x%02x  lines 0x%02x  ELCR 0x%02x%s\n", which,
		c->vector_base, c->vector_base | 7, c->irr, c->isr, c->imr, c->lines, c->elcr,
		c->icw_next ? "  (being initialized)" : "");
}

static void print_pit(const struct pit_channel *c, unsigned n)
{
	if (!c->armed) {
		kprintf("  PIT ch%u  mode %u, no count written\n", n, c->mode);
		return;
	}
	kprintf("  PIT ch%u  mode %u, count %u%s%s\n", n, c->mode, c->count ? c->count : 0x10000u,
		c->bcd ? " (BCD)" : "", c->gate ? "" : ", gate low");
}

/* The registers a guest reads (reading IIR here would clear a THRE interrupt: it is shown as pending). */
static void print_uart(const struct uart *u)
{
	kprintf("  COM1     IER 0x%02x  LCR 0x%02x  MCR 0x%02x  FIFO %s  %u byte(s) received, unread%s  IRQ line %s\n",
		u->ier, u->lcr, u->mcr, u->fifo_enabled ? "on" : "off", u->rx_len,
		u->thre_pending ? "  THR-empty interrupt pending" : "", uart_irq_line(u) ? "high" : "low");
}

void platform_print(const struct vcpu *v)
{
	const struct platform *p = &v->plat;
	uint64_t now = rdtsc();
	kprintf("PC of %s: %s", v->name, v->ended ? "ended" : v->halted ? "halted (HLT)" : "running");
	uint64_t next = intr_next_deadline(v);
	if (v->ended || next == UINT64_MAX)
		kprintf(", no timer interrupt due\n");
	else
		kprintf(", next timer interrupt %s %llu us\n", next > now ? "in" : "overdue by",
			(unsigned long long)(tsc_cycles_to_ns(next > now ? next - now : now - next) / 1000));
	print_lapic(&p->lapic, now);
	print_pic(&p->pic.chip[0], "master");
	print_pic(&p->pic.chip[1], "slave");
	print_pit(&p->pit.ch[0], 0);
	print_pit(&p->pit.ch[2], 2);
	print_uart(&p->uart);
	kprintf("  ACPI PM  status 0x%04x enable 0x%04x control 0x%04x  timer 0x%06llx\n", p->pm1_status, p->pm1_enable,
		p->pm1_control, (unsigned long long)(platform_pm_ticks(now) & 0xffffff));
}
