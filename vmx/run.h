/* run.h: running one vCPU until its guest ends or is stopped. */
#ifndef VMX_RUN_H
#define VMX_RUN_H

#include "vmx/vcpu.h"

/* Enters the guest of the current VMCS repeatedly, handling each exit, until it is stopped:
 * by its own exit (port 0xf4), a fatal exit, a failed entry, or its timeout. */
void vcpu_run(struct vcpu *v);

#endif
