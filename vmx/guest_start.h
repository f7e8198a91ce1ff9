/* guest_start.h: the state a guest starts in, the same under both backends. */
#ifndef VMX_GUEST_START_H
#define VMX_GUEST_START_H

#include "vmx/loader.h"
#include "vmx/vcpu.h"

/* Writes v's start state for boot (multiboot: 32-bit protected mode; Linux: its 64-bit entry)
 * into the current vCPU's VMCS or VMCB. */
void guest_start_state(struct vcpu *v, const struct guest_boot *boot);

#endif
