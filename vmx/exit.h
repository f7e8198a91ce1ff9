/* exit.h: VM-exit dispatch through the exit reason table, and the handlers it names. */
#ifndef VMX_EXIT_H
#define VMX_EXIT_H

#include <stdint.h>

#include "vmx/exit_reasons.h"
#include "vmx/vcpu.h"

/* What a reason's row in the table says about it (the CPUID statistics leaves need this). */
enum exit_reason_kind { REASON_HANDLED, REASON_NEVER_ENABLED, REASON_RESERVED, REASON_UNDEFINED };
enum exit_reason_kind exit_reason_kind(uint32_t reason);

/* Handles the exit whose raw exit-reason field is raw (basic reason already range-checked).
 * The handler either resumes the guest or stops it with vcpu_stop(). */
void exit_dispatch(struct vcpu *v, uint32_t raw);

/* Prints what the guest wrote to its COM1 since the last newline. */
void com1_flush(struct vcpu *v);
/* Shows the finished lines (and raw console bytes) the guest queued, not its unfinished line. */
void com1_drain(struct vcpu *v);
/* Queues a finished report line (text ends in '\n') behind what the guest printed. */
void com1_report(struct vcpu *v, const char *text);

/* Every handler has this shape; the table's third column names them. */
#define EXIT_NEVER exit_never
#define EXIT_RESERVED exit_reserved
#define EXIT_HANDLER_DECL(name, num, handler) void handler(struct vcpu *v, uint32_t reason);
VMX_EXIT_REASONS(EXIT_HANDLER_DECL)
#undef EXIT_HANDLER_DECL

#endif
