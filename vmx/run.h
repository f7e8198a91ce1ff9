/* run.h: running one vCPU until it yields back to the kernel's loop. */
#ifndef VMX_RUN_H
#define VMX_RUN_H

#include "vmx/vcpu.h"
#include "vmx/vmx.h"

/* Makes v current (VMPTRLD and its CPU state) and enters it repeatedly, handling each exit,
 * until its quantum ends, it halts, or it is stopped (its own exit through port 0xf4, a fatal
 * exit, a failed entry, its timeout). */
enum vcpu_yield vcpu_run(struct vcpu *v);
/* The exit v yielded on ends at end_tsc: its cycles go to its reason, histogram and trace entry. */
void vcpu_time_pending_exit(struct vcpu *v, uint64_t end_tsc);

#endif
