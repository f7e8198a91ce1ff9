/* platform_view.c: `pc NAME`: the registers of a guest's emulated PC as the guest left them (PIC, PIT, COM1). */
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/arch/uart.h"
#include "kernel/console.h"
#include "vmx/platform.h"
#include "vmx/vcpu.h"

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
	print_pic(&p->pic.chip[0], "master");
	print_pic(&p->pic.chip[1], "slave");
	print_pit(&p->pit.ch[0], 0);
	print_pit(&p->pit.ch[2], 2);
	print_uart(&p->uart);
}
