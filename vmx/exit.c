/* exit.c: the handler table built from the exit reason list, dispatch, and the fatal exits. */
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/exit_apic.h"
#include "vmx/vmcs.h"

typedef void exit_handler(struct vcpu *v, uint32_t reason);

#define EXIT_HANDLER_ENTRY(name, num, handler) [num] = handler,
static exit_handler *const handlers[VMX_EXIT_REASON_COUNT] = { VMX_EXIT_REASONS(EXIT_HANDLER_ENTRY) };
#undef EXIT_HANDLER_ENTRY

/* SDM Vol. 3C, 28.2.1, Table 28-7: EPT-violation qualification bits. */
#define EPT_QUAL_READ (1ull << 0)
#define EPT_QUAL_WRITE (1ull << 1)
#define EPT_QUAL_FETCH (1ull << 2)
#define EPT_QUAL_LINEAR_VALID (1ull << 7)

enum exit_reason_kind exit_reason_kind(uint32_t reason)
{
	if (reason >= VMX_EXIT_REASON_COUNT)
		return REASON_UNDEFINED;
	if (handlers[reason] == exit_reserved)
		return REASON_RESERVED;
	if (handlers[reason] == exit_never)
		return REASON_NEVER_ENABLED;
	return REASON_HANDLED;
}

void exit_dispatch(struct vcpu *v, uint32_t raw)
{
	uint32_t reason = EXIT_REASON_BASIC(raw);
	if ((raw & EXIT_REASON_ENTRY_FAILED) && handlers[reason] != handle_entry_failure) {
		vcpu_stop(v, "VM entry failed with exit reason %u (%s), which is not an entry failure", reason,
			  exit_reason_name(reason));
		return;
	}
	handlers[reason](v, reason);
}

static unsigned long long rip(void)
{
	return (unsigned long long)vmcs_read(VMCS_GUEST_RIP);
}

void exit_never(struct vcpu *v, uint32_t reason)
{
	vcpu_stop(v, "unhandled exit reason %u (%s): Tally never enables it; qualification 0x%llx, RIP 0x%llx",
		  reason, exit_reason_name(reason), (unsigned long long)vmcs_read(VMCS_EXIT_QUALIFICATION), rip());
}

void exit_reserved(struct vcpu *v, uint32_t reason)
{
	vcpu_stop(v, "exit reason %u is reserved in the SDM; RIP 0x%llx", reason, rip());
}

/* Devices are polled (ARCHITECTURE.md): an interrupt that arrives while a guest runs was
 * acknowledged by the exit ("acknowledge interrupt on exit") and is dropped. */
void handle_external_interrupt(struct vcpu *v, uint32_t reason)
{
	(void)reason;
	log_debug("guest %s: host interrupt, vector %llu, dropped\n", v->name,
		  (unsigned long long)(vmcs_read(VMCS_EXIT_INTR_INFO) & 0xff));
}

void handle_preemption_timer(struct vcpu *v, uint32_t reason)
{
	/* Nothing to do for the guest: its quantum is over, vcpu_run yields to the kernel's loop. */
	(void)v;
	(void)reason;
}

void handle_triple_fault(struct vcpu *v, uint32_t reason)
{
	vcpu_stop(v, "triple fault (exit reason %u %s) at RIP 0x%llx", reason, exit_reason_name(reason), rip());
	com1_flush(v); /* the stop report first, then the dump */
	vmcs_dump_guest_state(v->name);
}

/* SDM Vol. 3C, 27.8: a VM entry that fails after loading guest state exits with bit 31 set. */
void handle_entry_failure(struct vcpu *v, uint32_t reason)
{
	vcpu_stop(v, "VM entry failed: exit reason %u (%s), qualification 0x%llx", reason, exit_reason_name(reason),
		  (unsigned long long)vmcs_read(VMCS_EXIT_QUALIFICATION));
	com1_flush(v); /* the stop report first, then the dump */
	vmcs_dump_guest_state(v->name);
}

static const char *ept_access(uint64_t q)
{
	return q & EPT_QUAL_WRITE ? "write" : q & EPT_QUAL_FETCH ? "instruction fetch" : "read";
}

void handle_ept_violation(struct vcpu *v, uint32_t reason)
{
	uint64_t gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS), q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	if (apic_mmio_exit(v, gpa, q))
		return; /* the xAPIC page is no memory: its accesses exit here and are emulated */
	uint64_t gla = q & EPT_QUAL_LINEAR_VALID ? vmcs_read(VMCS_GUEST_LINEAR_ADDRESS) : 0;
	vcpu_stop(v, "EPT violation (exit reason %u %s): %s at guest-physical 0x%llx %s its %llu KiB, "
		  "qualification 0x%llx, linear 0x%llx, RIP 0x%llx",
		  reason, exit_reason_name(reason), ept_access(q), (unsigned long long)gpa,
		  gpa < v->mem.size ? "inside" : "outside", (unsigned long long)(v->mem.size >> 10),
		  (unsigned long long)q, (unsigned long long)gla, rip());
}

void handle_ept_misconfig(struct vcpu *v, uint32_t reason)
{
	vcpu_stop(v, "EPT misconfiguration (exit reason %u %s) at guest-physical 0x%llx, RIP 0x%llx", reason,
		  exit_reason_name(reason), (unsigned long long)vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS), rip());
}

/* A guest cannot use VT-x under Tally (CPUID hides it): VMX instructions raise #UD as on a CPU
 * without VMX. */
void handle_vmx_instruction(struct vcpu *v, uint32_t reason)
{
	vcpu_report(v, "%s (exit reason %u) at RIP 0x%llx: #UD injected", exit_reason_name(reason), reason, rip());
	vmcs_inject_exception(VECTOR_UD, false, 0);
}
