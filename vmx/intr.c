/* intr.c: virtual interrupts: device lines into the PIC, injection at VM entry, interrupt windows, timer deadlines. */
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "vmx/exit.h"
#include "vmx/platform.h"
#include "vmx/backend.h"

/* Intel SDM Vol. 3C, 25.4.2, Table 25-3: interruptibility state. */
#define BLOCKING_BY_STI (1u << 0)
#define BLOCKING_BY_MOV_SS (1u << 1)
/* SDM Vol. 3C, 25.6.2, Table 25-6: primary processor-based controls. */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)

void intr_uart_changed(struct vcpu *v)
{
	pic_set_irq(&v->plat.pic, IRQ_COM1, uart_irq_line(&v->plat.uart));
}

/* The PIT's OUT0 edges since the last look become IRQ0 requests (several missed ones coalesce,
 * as when a real PC masks interrupts for longer than a period). */
void intr_update(struct vcpu *v, uint64_t tsc)
{
	if (pit_irq0_edges(&v->plat.pit, platform_pit_ticks(tsc))) {
		pic_set_irq(&v->plat.pic, IRQ_PIT, true);
		pic_set_irq(&v->plat.pic, IRQ_PIT, false);
	}
}

bool intr_pending(const struct vcpu *v)
{
	return pic_pending_vector(&v->plat.pic) >= 0;
}

uint64_t intr_next_deadline(const struct vcpu *v)
{
	uint64_t ticks = pit_irq0_next(&v->plat.pit);
	if (ticks == PIT_NEVER)
		return UINT64_MAX;
	return platform_tsc_of_pit(ticks);
}

static bool can_take_interrupt(void)
{
	if (!(vcpu_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF))
		return false;
	if (vcpu_read(VMCS_GUEST_INTERRUPTIBILITY) & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS))
		return false;
	return !(vcpu_read(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID); /* an exception goes first */
}

static void set_window_exiting(struct vcpu *v, bool on)
{
	uint32_t proc = on ? v->ctl->proc | PROC_INTERRUPT_WINDOW_EXITING : v->ctl->proc;
	if (proc != v->proc_controls) {
		vcpu_write(VMCS_PROC_CONTROLS, proc);
		v->proc_controls = proc;
	}
}

/* SDM Vol. 3C, 26.5.1: the timer counts TSC >> shift from this value at every entry. */
static void program_timer(struct vcpu *v, uint64_t now, uint64_t quantum_end)
{
	const struct pit_channel *c0 = &v->plat.pit.ch[0];
	uint64_t end = quantum_end, deadline = c0->armed && c0->gate ? intr_next_deadline(v) : UINT64_MAX;
	v->timer_for_interrupt = deadline < end;
	if (deadline < end)
		end = deadline;
	uint64_t ticks = end > now ? (end - now) >> v->ctl->timer_shift : 0;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	if (ticks != v->timer_value) {
		vcpu_write(VMCS_PREEMPTION_TIMER_VALUE, ticks);
		v->timer_value = ticks;
	}
}

/* Nothing can raise or wait for an interrupt: channel 0 of the PIT is not counting, no request
 * waits in either PIC, no window is open. Most exits of a guest that never programmed its PC find
 * it so, and skip the rest of the injection work. */
static bool platform_quiet(const struct vcpu *v)
{
	const struct pit_channel *c0 = &v->plat.pit.ch[0];
	return !(c0->armed && c0->gate) && !(v->plat.pic.chip[0].irr | v->plat.pic.chip[1].irr) &&
	       !(v->proc_controls & PROC_INTERRUPT_WINDOW_EXITING);
}

void intr_before_entry(struct vcpu *v, uint64_t quantum_end)
{
	uint64_t now = rdtsc();
	if (platform_quiet(v)) {
		program_timer(v, now, quantum_end);
		return;
	}
	intr_update(v, now);
	bool window = false;
	if (intr_pending(v)) {
		if (can_take_interrupt()) {
			int vector = pic_acknowledge(&v->plat.pic);
			vcpu_write(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXTERNAL_INTERRUPT | (uint32_t)vector);
			v->injected = true;
			window = intr_pending(v); /* another one waits behind it */
		} else {
			window = true;
		}
	}
	set_window_exiting(v, window);
	program_timer(v, now, quantum_end);
}

/* SDM Vol. 3C, 26.7.5: the exit that opens the window; the pending vector is injected at entry. */
void handle_interrupt_window(struct vcpu *v, uint32_t reason)
{
	(void)v;
	(void)reason;
}
