/* backend.h: the one door between the shared exit handlers and the CPU's virtualisation (VMX or SVM). */
#ifndef VMX_BACKEND_H
#define VMX_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/ept.h"
#include "vmx/vmcs.h"

struct vcpu;

/*
 * The handlers of the emulated platform (ports, MSRs, CPUID, HLT, CRs, interrupts) are written once,
 * against the current vCPU's state as this header shows it. State is named by the VMCS field
 * encodings of vmx/vmcs.h: under VMX they are read and written as they are; under SVM
 * vmx/svm/svm_state.c maps each to its place in the VMCB (or the CPU), and the exit information
 * (reason, qualification, instruction length, linear address, ...) to what VMX would have said of
 * the same exit. A field the SVM backend has no place for is a hypervisor bug and panics.
 */
enum backend_kind { BACKEND_NONE, BACKEND_VMX, BACKEND_SVM };
extern enum backend_kind backend;

uint64_t svm_read(uint64_t field);
void svm_write(uint64_t field, uint64_t val);

static inline uint64_t vcpu_read(uint64_t field)
{
	return backend == BACKEND_SVM ? svm_read(field) : vmcs_read(field);
}

static inline void vcpu_write(uint64_t field, uint64_t val)
{
	if (backend == BACKEND_SVM)
		svm_write(field, val);
	else
		vmcs_write(field, val);
}

/* The table format guest memory is mapped with. */
static inline enum gmem_tables backend_tables(void)
{
	return backend == BACKEND_SVM ? GMEM_NPT : GMEM_EPT;
}

/* The backend's name ("VMX", "SVM"), for reports. */
const char *backend_name(void);
/* The exit reason a vCPU's quantum timer ends its run with: VMX's preemption timer (52), or under
 * SVM the host interrupt of the local APIC timer (1, EXTERNAL_INTERRUPT). */
uint32_t backend_timer_reason(void);
/* XSETBV exits run on the host CPU, which needs CR4.OSXSAVE (SDM Vol. 2B, XSETBV). */
void backend_host_enable_xsave(void);
/* Advances guest RIP over the instruction that exited, ending an STI/MOV SS shadow. */
void vcpu_skip_instruction(void);
/* The same for an instruction Tally decoded itself (an emulated MMIO access): len bytes. */
void vcpu_skip_bytes(unsigned len);
/* Queues a hardware exception for the next entry. */
void vcpu_inject_exception(unsigned vector, bool has_error, uint32_t error);
/* Guest CR0/CR4 as the guest asked for them (EFER.LMA follows CR0.PG with EFER.LME). */
void vcpu_set_cr0(struct vcpu *v, uint64_t guest_view);
void vcpu_set_cr4(struct vcpu *v, uint64_t guest_view);
/* The guest's SYSCALL MSRs and IA32_KERNEL_GS_BASE: in the CPU under VMX, in the VMCB under SVM. */
uint64_t vcpu_msr_read(uint32_t msr);
void vcpu_msr_write(uint32_t msr, uint64_t val);
/* Prints the guest state (failed entries, fatal exits), each line starting "guest <who>:". */
void vcpu_dump_state(const char *who);

#endif
