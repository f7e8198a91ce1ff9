/* intr.c: virtual interrupts: device lines into the PIC, the APIC and the PIC's INTR by priority, injection at VM entry, interrupt windows, timer deadlines. */
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "vmx/exit.h"
#include "vmx/platform.h"
#include "vmx/vmcs.h"

/* Intel SDM Vol. 3C, 25.4.2, Table 25-3: interruptibility state. */
#define BLOCKING_BY_STI (1u << 0)
#define BLOCKING_BY_MOV_SS (1u << 1)

void intr_uart_changed(struct vcpu *v)
{
	pic_set_irq(&v->plat.pic, IRQ_COM1, uart_irq_line(&v->plat.uart));
}

/* The PIT's OUT0 edges since the last look become IRQ0 requests (several missed ones coalesce,
 * as when a real PC masks interrupts for longer than a period); the APIC timer's events become
 * requests in its IRR. */
void intr_update(struct vcpu *v, uint64_t tsc)
{
	if (pit_irq0_edges(&v->plat.pit, platform_pit_ticks(tsc))) {
		pic_set_irq(&v->plat.pic, IRQ_PIT, true);
		pic_set_irq(&v->plat.pic, IRQ_PIT, false);
	}
	lapic_update(&v->plat.lapic, tsc);
}

/* The 8259's INTR reaches the CPU through LINT0 (ExtINT), or directly when the APIC is off. */
static bool pic_interrupt(const struct vcpu *v)
{
	return lapic_accepts_extint(&v->plat.lapic) && pic_pending_vector(&v->plat.pic) >= 0;
}

bool intr_pending(const struct vcpu *v)
{
	return lapic_pending_vector(&v->plat.lapic) >= 0 || pic_interrupt(v);
}

/* The vector the CPU takes next, acknowledged: the APIC's fixed interrupts above the processor
 * priority first (SDM Vol. 3A, 11.8.3), then the 8259's, which ExtINT delivers past the
 * priority (no IRR, ISR or EOI in the APIC). -1 when none. */
static int acknowledge(struct vcpu *v)
{
	int vector = lapic_acknowledge(&v->plat.lapic);
	if (vector < 0 && pic_interrupt(v))
		vector = pic_acknowledge(&v->plat.pic);
	return vector;
}

uint64_t intr_next_deadline(const struct vcpu *v)
{
	uint64_t ticks = pit_irq0_next(&v->plat.pit), apic = lapic_next_deadline(&v->plat.lapic);
	uint64_t pit = ticks == PIT_NEVER ? UINT64_MAX : platform_tsc_of_pit(ticks);
	return apic < pit ? apic : pit;
}

static bool can_take_interrupt(void)
{
	if (!(vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF))
		return false;
	if (vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS))
		return false;
	return !(vmcs_read(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID); /* an exception goes first */
}

static void set_window_exiting(struct vcpu *v, bool on)
{
	uint32_t proc = on ? v->ctl->proc | PROC_INTERRUPT_WINDOW_EXITING : v->ctl->proc;
	if (proc != v->proc_controls) {
		vmcs_write(VMCS_PROC_CONTROLS, proc);
		v->proc_controls = proc;
	}
}

/* SDM Vol. 3C, 26.5.1: the timer counts TSC >> shift from this value at every entry; it ends at
 * the quantum's end or at deadline, the next timer interrupt, when that comes first. */
static void program_timer(struct vcpu *v, uint64_t now, uint64_t quantum_end, uint64_t deadline)
{
	uint64_t end = quantum_end;
	v->timer_for_interrupt = deadline < end;
	if (deadline < end)
		end = deadline;
	uint64_t ticks = end > now ? (end - now) >> v->ctl->timer_shift : 0;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	if (ticks != v->timer_value) {
		vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, ticks);
		v->timer_value = ticks;
	}
}

/* Nothing can raise or wait for an interrupt: channel 0 of the PIT and the APIC timer are not
 * counting, no request waits in either PIC or the APIC, no window is open. Most exits of a guest
 * that never programmed its PC find it so, and skip the rest of the injection work. */
static bool platform_quiet(const struct vcpu *v)
{
	const struct pit_channel *c0 = &v->plat.pit.ch[0];
	return !(c0->armed && c0->gate) && !(v->plat.pic.chip[0].irr | v->plat.pic.chip[1].irr) &&
	       !(v->proc_controls & PROC_INTERRUPT_WINDOW_EXITING) && lapic_quiet(&v->plat.lapic);
}

void intr_before_entry(struct vcpu *v, uint64_t quantum_end)
{
	uint64_t now = rdtsc();
	if (platform_quiet(v)) {
		program_timer(v, now, quantum_end, UINT64_MAX); /* no timer counts */
		return;
	}
	intr_update(v, now);
	bool window = false;
	if (intr_pending(v)) {
		if (can_take_interrupt()) {
			int vector = acknowledge(v);
			vmcs_write(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXTERNAL_INTERRUPT | (uint32_t)vector);
			v->injected = true;
			window = intr_pending(v); /* another one waits behind it */
		} else {
			window = true;
		}
	}
	set_window_exiting(v, window);
	program_timer(v, now, quantum_end, intr_next_deadline(v));
}

/* SDM Vol. 3C, 26.7.5: the exit that opens the window; the pending vector is injected at entry. */
void handle_interrupt_window(struct vcpu *v, uint32_t reason)
{
	(void)v;
	(void)reason;
}
