/* run.c: the VMX run loop: enter, count and time the exit, dispatch, poll the rest of Tally. */
#include <stdarg.h>

#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "vmx/exit.h"
#include "vmx/run.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

/* The longest Tally goes without kernel_poll() while a guest keeps exiting for other reasons. */
#define POLL_INTERVAL_MS 2

void vcpu_stop(struct vcpu *v, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	com1_flush(v);
	kprintf("guest %s: stopped: %s\n", v->name, why);
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
	vmcs_dump_guest_state(v->name);
}

/* The previous exit ended with the last rdtsc before this entry. */
static void time_pending_exit(struct vcpu *v, uint64_t end_tsc)
{
	if (!v->timing_pending)
		return;
	uint64_t cycles = end_tsc - v->pending_exit_tsc;
	exit_stats_time(&v->stats, v->pending_reason, cycles);
	exit_stats_time(exit_stats_global(), v->pending_reason, cycles);
	v->timing_pending = false;
}

static void count_exit(struct vcpu *v, uint32_t reason)
{
	exit_stats_count(&v->stats, reason);
	exit_stats_count(exit_stats_global(), reason);
	v->pending_reason = reason;
	v->pending_exit_tsc = v->regs.exit_tsc;
	v->timing_pending = true;
}

/* The rest of Tally runs between guest exits; the guest's timeout is checked here too. */
static void housekeeping(struct vcpu *v, uint32_t reason)
{
	uint64_t now = time_ms();
	if (reason == EXIT_REASON_PREEMPTION_TIMER || now - v->last_poll_ms >= POLL_INTERVAL_MS) {
		v->last_poll_ms = now;
		kernel_poll();
	}
	if (!v->stopped && v->timeout_ms && now - v->start_ms >= v->timeout_ms)
		vcpu_stop(v, "timeout=%llums ran out at RIP 0x%llx", (unsigned long long)v->timeout_ms,
			  (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
}

void vcpu_run(struct vcpu *v)
{
	v->start_ms = v->last_poll_ms = time_ms();
	while (!v->stopped) {
		int status = vmx_enter(&v->regs);
		if (status != VMX_OK) {
			report_vmfail(v, status);
			break;
		}
		v->regs.launched = 1;
		time_pending_exit(v, v->regs.entry_tsc);
		uint32_t raw = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
		uint32_t reason = EXIT_REASON_BASIC(raw);
		if (reason >= VMX_EXIT_REASON_COUNT) {
			vcpu_stop(v, "exit reason %u is beyond the SDM table (0-%u), RIP 0x%llx", reason,
				  VMX_EXIT_REASON_COUNT - 1, (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
			break;
		}
		count_exit(v, reason);
		exit_dispatch(v, raw);
		housekeeping(v, reason);
	}
	time_pending_exit(v, rdtsc_ordered());
}
