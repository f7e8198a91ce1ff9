/* backend.c: which backend runs the guests (VMX or SVM), and the accessor layer's dispatch to it. */
#include "kernel/arch/x86.h"
#include "vmx/backend.h"
#include "vmx/svm/svm.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_setup.h"

#define CPUID_1_ECX_XSAVE (1u << 26) /* SDM Vol. 2A, CPUID leaf 1 */

enum backend_kind backend = BACKEND_NONE;

const char *backend_name(void)
{
	return backend == BACKEND_SVM ? "SVM" : backend == BACKEND_VMX ? "VMX" : "none";
}

uint32_t backend_timer_reason(void)
{
	return backend == BACKEND_SVM ? EXIT_REASON_EXTERNAL_INTERRUPT : EXIT_REASON_PREEMPTION_TIMER;
}

void backend_host_enable_xsave(void)
{
	struct cpuid_regs r;
	cpuid(1, 0, &r);
	if (r.ecx & CPUID_1_ECX_XSAVE)
		write_cr4(read_cr4() | CR4_OSXSAVE);
}

void vcpu_skip_instruction(void)
{
	if (backend == BACKEND_SVM)
		svm_skip_instruction();
	else
		vmcs_skip_instruction();
}

void vcpu_skip_bytes(unsigned len)
{
	if (backend == BACKEND_SVM)
		svm_skip_bytes(len);
	else
		vmcs_skip_bytes(len);
}

void vcpu_inject_exception(unsigned vector, bool has_error, uint32_t error)
{
	if (backend == BACKEND_SVM)
		svm_inject_exception(vector, has_error, error);
	else
		vmcs_inject_exception(vector, has_error, error);
}

void vcpu_set_cr0(struct vcpu *v, uint64_t guest_view)
{
	if (backend == BACKEND_SVM)
		svm_set_cr0(guest_view);
	else
		vmcs_set_guest_cr0(v, guest_view);
}

void vcpu_set_cr4(struct vcpu *v, uint64_t guest_view)
{
	if (backend == BACKEND_SVM)
		svm_write(VMCS_GUEST_CR4, guest_view);
	else
		vmcs_set_guest_cr4(v, guest_view);
}

uint64_t vcpu_msr_read(uint32_t msr)
{
	return backend == BACKEND_SVM ? svm_msr_read(msr) : rdmsr(msr);
}

void vcpu_msr_write(uint32_t msr, uint64_t val)
{
	if (backend == BACKEND_SVM)
		svm_msr_write(msr, val);
	else
		wrmsr(msr, val);
}

void vcpu_dump_state(const char *who)
{
	if (backend == BACKEND_SVM)
		svm_dump_state(who);
	else
		vmcs_dump_guest_state(who);
}
