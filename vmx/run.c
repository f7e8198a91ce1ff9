/* run.c: running one vCPU until it yields: switch to it, enter, count and time each exit, dispatch. */
#include <stdarg.h>
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/platform.h"
#include "vmx/run.h"
#include "vmx/vcpu_switch.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

/* Cycles spent inside vcpu_run over all vCPUs (guest time and exit handling), and when any vCPU
 * last yielded: what lies outside is Tally's host work. */
static uint64_t run_cycles, last_yield_tsc;

/* "guest NAME: <text>" queued behind the guest's own output: printing is the loop's work, so an
 * exit that reports (a stop, an injected #UD) is not charged for the console. */
static void vcpu_vreport(struct vcpu *v, const char *prefix, const char *fmt, va_list ap)
{
	char line[384];
	int n = ksnprintf(line, sizeof(line), "guest %s: %s", v->name, prefix);
	if (n < 0 || (size_t)n >= sizeof(line) - 2)
		n = 0;
	kvsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	size_t len = strlen(line);
	line[len] = '\n', line[len + 1] = 0;
	com1_report(v, line);
}

void vcpu_report(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcpu_vreport(v, "", fmt, ap);
	va_end(ap);
}

void vcpu_stop(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcpu_vreport(v, "stopped: ", fmt, ap);
	va_end(ap);
	v->stopped = true;
}

void vcpu_reset_request(struct vcpu *v, const char *how)
{
	vcpu_report(v, "reset requested through %s; stopped", how);
	v->stopped = true;
}

uint64_t vcpu_gpr(const struct vcpu *v, unsigned n)
{
	return n == GPR_RSP ? vmcs_read(VMCS_GUEST_RSP) : v->regs.gpr[n];
}

void vcpu_set_gpr(struct vcpu *v, unsigned n, uint64_t val)
{
	if (n == GPR_RSP)
		vmcs_write(VMCS_GUEST_RSP, val);
	else
		v->regs.gpr[n] = val;
}

bool vcpu_long_mode(void)
{
	return vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA;
}

static void report_vmfail(struct vcpu *v, int status)
{
	const char *insn = v->regs.launched ? "VMRESUME" : "VMLAUNCH";
	if (status == VMX_FAIL_INVALID) {
		vcpu_stop(v, "%s failed: VMfailInvalid (no current VMCS)", insn);
		return;
	}
	uint64_t err = vmcs_read(VMCS_VM_INSTRUCTION_ERROR);
	vcpu_stop(v, "%s failed: VM-instruction error %llu (%s)", insn, (unsigned long long)err,
		  vmcs_instruction_error_name(err));
	com1_flush(v); /* the stop report first, then the dump */
	vmcs_dump_guest_state(v->name);
}

/* The previous exit ended at end_tsc (the last rdtsc before this entry, or its yield). */
void vcpu_time_pending_exit(struct vcpu *v, uint64_t end_tsc)
{
	if (!v->timing_pending)
		return;
	uint64_t cycles = end_tsc - v->pending_exit_tsc;
	exit_stats_time(&v->stats, v->pending_reason, cycles);
	exit_stats_time(exit_stats_global(), v->pending_reason, cycles);
	if (v->analytics) {
		exit_hist_add(&v->hist, v->pending_reason, cycles);
		struct exit_trace_entry *e = exit_trace_last(&v->trace);
		if (e)
			e->cycles = cycles;
	}
	v->timing_pending = false;
}

static void count_exit(struct vcpu *v, uint32_t reason)
{
	exit_stats_count(&v->stats, reason);
	exit_stats_count(exit_stats_global(), reason);
	if (v->analytics)
		exit_timeline_add(&v->timeline, reason, v->regs.exit_tsc);
	if (v->trace.size)
		*exit_trace_push(&v->trace) = (struct exit_trace_entry){
			.tsc = v->regs.exit_tsc, .rip = vmcs_read(VMCS_GUEST_RIP),
			.qual = vmcs_read(VMCS_EXIT_QUALIFICATION), .cycles = EXIT_TRACE_UNTIMED, .reason = reason };
	v->pending_reason = reason;
	v->pending_exit_tsc = v->regs.exit_tsc;
	v->timing_pending = true;
}

/* Recording an exit (the previous one's cycles, this one's counts, timeline and trace) is Tally's
 * bookkeeping, not the exit's: the exit's clock starts that much later, the cycles go on their own
 * line. Only the two reads of the TSC around it stay in the exit. */
static void end_bookkeeping(struct vcpu *v, uint64_t since)
{
	uint64_t cycles = rdtsc() - since;
	v->pending_exit_tsc += cycles;
	v->stats.book_cycles += cycles;
	exit_stats_global()->book_cycles += cycles;
}

/* Back from the loop: what passed since v's yield, minus other vCPUs' runs, was Tally's work for
 * v; since any vCPU's last yield, Tally's work over all guests. The pending exit's clock restarts. */
static void account_resume(struct vcpu *v, uint64_t now)
{
	if (v->yield_tsc) {
		uint64_t others = run_cycles - v->yield_guest_cycles;
		exit_stats_host(&v->stats, now - v->yield_tsc - others);
		if (v->timing_pending)
			v->pending_exit_tsc += now - v->yield_tsc;
	}
	if (last_yield_tsc)
		exit_stats_host(exit_stats_global(), now - last_yield_tsc);
}

static void account_yield(struct vcpu *v, uint64_t start, uint64_t now)
{
	run_cycles += now - start;
	v->yield_tsc = last_yield_tsc = now;
	v->yield_guest_cycles = run_cycles;
}

/* After each exit: whether v gives the CPU back to the loop now. A preemption-timer exit that
 * was set for a timer interrupt only brings the interrupt in (injected at the next entry). */
static bool yields(struct vcpu *v, uint32_t reason, uint64_t quantum_end)
{
	bool quantum_over = v->regs.exit_tsc >= quantum_end ||
			    (reason == EXIT_REASON_PREEMPTION_TIMER && !v->timer_for_interrupt);
	if (!v->stopped && !v->halted && !quantum_over)
		return false;
	if (!v->stopped && v->timeout_ms && time_ms() - v->start_ms >= v->timeout_ms) {
		vcpu_stop(v, "timeout=%llums ran out at RIP 0x%llx", (unsigned long long)v->timeout_ms,
			  (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
	}
	return true;
}

/* SDM Vol. 3C, 28.2.4: an exit during the delivery of an injected interrupt leaves it in the
 * IDT-vectoring field; it is delivered again at the next entry. */
static void redeliver(struct vcpu *v)
{
	if (!v->injected) /* only an interrupt Tally injected can be caught in delivery */
		return;
	v->injected = false;
	uint32_t info = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);
	if ((info & INTR_INFO_VALID) && (info & INTR_INFO_TYPE_MASK) == INTR_TYPE_EXTERNAL_INTERRUPT) {
		vmcs_write(VMCS_ENTRY_INTR_INFO, info & ~INTR_INFO_NMI_UNBLOCKING);
		v->injected = true; /* on its way again */
	}
}

/* One entry and the handling of the exit it ends with; false when the entry failed. */
static bool enter_and_handle(struct vcpu *v, uint32_t *reason, uint64_t quantum_end)
{
	intr_before_entry(v, quantum_end);
	int status = vmx_enter(&v->regs);
	if (status != VMX_OK) {
		report_vmfail(v, status);
		return false;
	}
	v->regs.launched = 1;
	uint64_t book = rdtsc();
	vcpu_time_pending_exit(v, v->regs.entry_tsc);
	uint32_t raw = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
	*reason = EXIT_REASON_BASIC(raw);
	if (*reason >= VMX_EXIT_REASON_COUNT) {
		vcpu_stop(v, "exit reason %u is beyond the SDM table (0-%u), RIP 0x%llx", *reason,
			  VMX_EXIT_REASON_COUNT - 1, (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
		return false;
	}
	count_exit(v, *reason);
	end_bookkeeping(v, book);
	redeliver(v);
	exit_dispatch(v, raw);
	return true;
}

/* A halted vCPU sleeps until an interrupt is pending (as a CPU in HLT: masked ones never wake
 * it), or, when no timer was running at its HLT, until the loop's next turn. The time it slept is
 * neither host work nor its HLT exit's. */
static bool still_halted(struct vcpu *v)
{
	if (!v->halted)
		return false;
	uint64_t now = rdtsc_ordered();
	intr_update(v, now);
	if (v->wake_tsc && !intr_pending(v)) {
		v->wake_tsc = intr_next_deadline(v);
		if (!v->timeout_ms || time_ms() - v->start_ms < v->timeout_ms)
			return true;
	}
	if (v->yield_tsc) {
		v->pending_exit_tsc += now - v->yield_tsc;
		v->yield_tsc = now;
		v->yield_guest_cycles = run_cycles;
	}
	return false;
}

enum vcpu_yield vcpu_run(struct vcpu *v)
{
	if (still_halted(v))
		return VCPU_YIELD_HALT;
	if (vcpu_switch_to(v) < 0)
		return VCPU_YIELD_STOPPED;
	uint64_t start = rdtsc_ordered();
	if (!v->regs.launched) { /* timeout= and the timeline count from its first entry */
		v->start_ms = time_ms();
		exit_timeline_start(&v->timeline, start, tsc_ns_to_cycles(EXIT_TIMELINE_START_NS));
	}
	account_resume(v, start);
	uint64_t quantum_end = start + v->quantum_cycles;
	uint32_t reason = 0;
	v->halted = false;
	while (enter_and_handle(v, &reason, quantum_end) && !yields(v, reason, quantum_end))
		;
	uint64_t now = rdtsc_ordered();
	account_yield(v, start, now);
	if (v->stopped)
		vcpu_time_pending_exit(v, now);
	return v->stopped ? VCPU_YIELD_STOPPED : v->halted ? VCPU_YIELD_HALT : VCPU_YIELD_QUANTUM;
}
