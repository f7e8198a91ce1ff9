/* vcpu.h: one VMX guest (vCPU): its registers as the exit stub saves them, memory, devices, statistics. */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmx/controls.h"
#include "vmx/ept.h"
#include "vmx/exit_hist.h"
#include "vmx/exit_timeline.h"
#include "vmx/exit_trace.h"
#include "vmx/platform.h"
#include "vmx/stats.h"

/* General-purpose registers in the numbering of exit qualifications (SDM Vol. 3C, Table 28-3):
 * RSP's slot is unused, the CPU keeps guest RSP in the VMCS. */
enum { GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI, GPR_COUNT = 16 };

/* Shared with vmx/entry.asm: keep the offsets there (REGS_*) equal to these. */
struct guest_regs {
	uint64_t gpr[GPR_COUNT];
	uint64_t exit_tsc;   /* rdtsc, first thing on the exit path */
	uint64_t entry_tsc;  /* rdtsc, last thing before VMLAUNCH/VMRESUME */
	uint64_t kernel_rsp; /* Tally's stack pointer inside vmx_enter() */
	uint64_t launched;   /* 0: VMLAUNCH next, else VMRESUME */
};
_Static_assert(offsetof(struct guest_regs, gpr) == 0, "entry.asm: REGS_GPR");
_Static_assert(offsetof(struct guest_regs, exit_tsc) == 128, "entry.asm: REGS_EXIT_TSC");
_Static_assert(offsetof(struct guest_regs, entry_tsc) == 136, "entry.asm: REGS_ENTRY_TSC");
_Static_assert(offsetof(struct guest_regs, kernel_rsp) == 144, "entry.asm: REGS_KERNEL_RSP");
_Static_assert(offsetof(struct guest_regs, launched) == 152, "entry.asm: REGS_LAUNCHED");

/* Enters the guest of the current VMCS; returns 0 after a VM exit, or the VMfail status of
 * VMLAUNCH/VMRESUME (VMX_FAIL_INVALID / VMX_FAIL_VALID). vmx/entry.asm. */
int vmx_enter(struct guest_regs *regs);
/* The host RIP of every VM exit (vmx/entry.asm). */
void vmx_exit_stub(void);

/* Guest CPU state outside the VMCS, switched by vmx/vcpu_switch.c. DR7 and IA32_DEBUGCTL are in
 * the VMCS (load/save debug controls); the task priority (CR8) is the guest APIC's TPR, never the host's. */
#define VCPU_SYSCALL_MSRS 4 /* IA32_STAR, LSTAR, CSTAR, FMASK: SYSCALL reads them in the CPU */
#define MTRR_DEF_TYPE_INIT 0x806ull /* SDM Vol. 3A, 12.11.2.1: MTRRs enabled (E), default type WB */
struct vcpu_cpu_state {
	uint64_t xcr0, cr2, dr[4], dr6, kernel_gs_base;
	uint64_t syscall_msr[VCPU_SYSCALL_MSRS]; /* MSR_IA32_STAR + i */
	uint64_t mtrr_def_type;  /* emulated: the guest's memory types come from EPT and PAT */
	void *fpu; /* XSAVE (or FXSAVE) area: x87, MXCSR, XMM, and what XCR0 enables */
};

#define COM1_LINE_MAX 160

/* The line the guest's COM1 is printing (its 16550 is in struct platform). */
/* What a guest printed and Tally has not yet shown: printing is host work, done by the loop
 * between runs (vmx_flush_consoles), never inside an exit that would be charged for it. */
#define COM1_OUT_MAX 16384
struct com1 {
	char line[COM1_LINE_MAX];
	size_t len;
	char out[COM1_OUT_MAX];   /* finished lines ("name: text\n") and raw bytes under console NAME */
	size_t out_len;
};

struct vcpu {
	struct guest_regs regs;
	char name[32];
	uint16_t vpid;
	const struct vmx_controls *ctl;
	void *vmcs;
	void *msr_bitmap;
	struct guest_memory mem;
	struct exit_stats stats;
	struct exit_hist hist;        /* its exits' cycles per reason (the table's percentiles) */
	struct exit_timeline timeline; /* its exits per reason over time since its first entry */
	struct exit_trace trace;      /* its last exits (trace=N entries) */
	bool analytics;               /* hist, timeline and trace are kept (exit_analytics=on) */
	struct com1 com1;
	struct platform plat;     /* its PC: PIC, PIT, UART, CMOS, ... */
	uint32_t proc_controls;   /* as last written to the VMCS (interrupt-window exiting varies) */
	uint64_t timer_value;     /* the preemption-timer value last written */
	bool timer_for_interrupt; /* that value ends at a timer interrupt, not at the quantum */
	bool injected;            /* the last entry delivered an external interrupt (redelivered if cut off) */
	uint64_t wake_tsc;        /* halted: when its next timer interrupt is due (0: at the next turn) */
	uint32_t pending_reason;  /* the last exit, timed once the next entry has happened */
	uint64_t pending_exit_tsc;
	bool timing_pending;
	uint64_t start_ms, timeout_ms;
	uint64_t quantum_cycles;  /* how long it runs before it yields to the loop */
	uint64_t yield_tsc;       /* when it last yielded */
	uint64_t yield_guest_cycles; /* vcpu_run_cycles() at that moment */
	struct vcpu_cpu_state cpu; /* what the VMCS does not hold: in the CPU while it is current */
	bool is_linux;            /* a bzImage (`linux` module): its console lines are watched for a panic */
	bool halted;              /* its last exit was a HLT: it yields */
	bool stopped;
	bool ended;               /* stopped, and its VMCS and memory are gone */
	bool exited;              /* through port 0xf4 */
	uint32_t exit_code;
};

/* A line "guest NAME: <text>" shown after what the guest printed so far, by the loop. */
void vcpu_report(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the guest with a report: "guest NAME: stopped: <why>". */
void vcpu_stop(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the guest at its own request: "guest NAME: reset requested through HOW; stopped". */
void vcpu_reset_request(struct vcpu *v, const char *how);
/* Guest GPR by qualification number (RSP comes from the VMCS). */
uint64_t vcpu_gpr(const struct vcpu *v, unsigned n);
void vcpu_set_gpr(struct vcpu *v, unsigned n, uint64_t val);
/* True when the guest runs in IA-32e mode (64-bit registers), else register values are 32-bit. */
bool vcpu_long_mode(void);

#endif
