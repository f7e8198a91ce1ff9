/* svm.h: the AMD SVM backend: enabling SVM, a vCPU's VMCB, entering it, and its exits in VMX terms. */
#ifndef VMX_SVM_SVM_H
#define VMX_SVM_SVM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/controls.h"
#include "vmx/loader.h"
#include "vmx/svm/svm_caps.h"
#include "vmx/svm/vmcb.h"

struct vcpu;

/* What an exit means in VMX terms, worked out from the VMCB once per exit when first asked. */
struct svm_exit_info {
	bool decoded;
	uint64_t qualification, linear, instruction_info;
	uint8_t opcode2;    /* the byte after 0F of the exiting instruction, when decoded */
	uint8_t fetched, bytes[4]; /* how many instruction bytes were readable, and the first ones */
};

/* A vCPU's SVM state besides its general registers. */
struct svm_vcpu {
	struct vcpu *owner;
	struct vmcb *vmcb;
	uint8_t *iopm, *msrpm;
	uint32_t proc;            /* as written to VMCS_PROC_CONTROLS: only interrupt-window exiting means anything */
	uint64_t timer_cycles;    /* as written to VMCS_PREEMPTION_TIMER_VALUE: the host APIC timer at entry */
	bool nrips, decode_assists; /* what the CPU offers (vmx/svm/svm_caps.h) */
	struct svm_exit_info exit;
};

/* Enables SVM on the boot CPU (EFER.SVME, the host save area). Returns NULL, or why not. Fills
 * ctl with what the shared handlers read of a backend's controls. */
const char *svm_enable(struct vmx_controls *ctl);
/* Makes v's VMCB (intercepts, permission maps, ASID, nested paging) and its start state. Returns
 * 0, or -1 with a report printed. */
int svm_vcpu_setup(struct vcpu *v, const struct guest_boot *boot);
void svm_vcpu_teardown(struct vcpu *v);
/* v is the current vCPU (its VMCB is what vcpu_read/vcpu_write reach). */
void svm_make_current(struct vcpu *v);
/* Enters v once (VMRUN) and returns after its #VMEXIT. */
void svm_enter(struct vcpu *v);
/* The basic exit reason (VMX numbering) of the exit that just happened; 0xffff for a code the
 * table lacks, with bit 31 set for a VMRUN that refused the VMCB. */
uint32_t svm_exit_reason_now(void);
/* The exit's SVM code and name, for reports. */
uint64_t svm_exit_code_now(void);

/* The accessor layer (vmx/backend.h): the current vCPU's state by VMCS field encoding. */
uint64_t svm_read(uint64_t field);
void svm_write(uint64_t field, uint64_t val);
void svm_skip_instruction(void);
void svm_skip_bytes(unsigned len);
void svm_inject_exception(unsigned vector, bool has_error, uint32_t error);
void svm_set_cr0(uint64_t guest_view);
uint64_t svm_msr_read(uint32_t msr);
void svm_msr_write(uint32_t msr, uint64_t val);
void svm_dump_state(const char *who);

/* The current vCPU's VMCB and decoded exit (vmx/svm/ only). */
struct svm_vcpu *svm_current(void);
/* The length of the instruction at the guest's RIP that exited (NRIP save, or decoded). */
uint64_t svm_instruction_length(struct svm_vcpu *s);
void svm_decode_exit(struct svm_vcpu *s);

/* vmx/svm/svm_entry.asm: VMLOAD, VMRUN, #VMEXIT, VMSAVE, host VMLOAD, with rdtsc the last thing
 * before VMRUN and the first after the exit (only the push of the register it clobbers before). */
void svm_run(void *regs, uint64_t vmcb_pa, uint64_t host_area_pa);

#endif
