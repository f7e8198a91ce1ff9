/* svm_exits.h: THE table of AMD SVM exit codes: names, and the exit reason each one counts as. */
#ifndef VMX_SVM_SVM_EXITS_H
#define VMX_SVM_SVM_EXITS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/exit_reasons.h"

/*
 * AMD64 Architecture Programmer's Manual Vol. 2 (pub. 24593, rev. 3.42), Appendix C "SVM Intercept
 * Exit Codes", Table C-1. X(NAME, code, reason): reason is the basic exit reason the exit is counted,
 * timed and handled as: the VMX reason of the SDM (vmx/exit_reasons.h) where VMX has one, so the
 * CMPE 283 CPUID leaves keep their numbers on both backends, else one of Tally's own numbers 86-105
 * (TALLY_SVM_EXIT_REASONS). MSR counts as RDMSR or WRMSR by EXITINFO1 (vmx/svm/svm_exit.c).
 * The ranges (CR and DR accesses, exceptions, CR write traps) are written by SVM_EXIT_RANGE16(_HI).
 */
#define SVM_EXIT_RANGE16(X, name, base, reason)                                           \
	X(name##0, (base) + 0x0, reason) X(name##1, (base) + 0x1, reason)                 \
	X(name##2, (base) + 0x2, reason) X(name##3, (base) + 0x3, reason)                 \
	X(name##4, (base) + 0x4, reason) X(name##5, (base) + 0x5, reason)                 \
	X(name##6, (base) + 0x6, reason) X(name##7, (base) + 0x7, reason)                 \
	X(name##8, (base) + 0x8, reason) X(name##9, (base) + 0x9, reason)                 \
	X(name##10, (base) + 0xa, reason) X(name##11, (base) + 0xb, reason)               \
	X(name##12, (base) + 0xc, reason) X(name##13, (base) + 0xd, reason)               \
	X(name##14, (base) + 0xe, reason) X(name##15, (base) + 0xf, reason)

/* The same for numbers 16-31 (exception vectors 16-31 at base + 0x0..0xf). */
#define SVM_EXIT_RANGE16_HI(X, name, base, reason)                                        \
	X(name##16, (base) + 0x0, reason) X(name##17, (base) + 0x1, reason)               \
	X(name##18, (base) + 0x2, reason) X(name##19, (base) + 0x3, reason)               \
	X(name##20, (base) + 0x4, reason) X(name##21, (base) + 0x5, reason)               \
	X(name##22, (base) + 0x6, reason) X(name##23, (base) + 0x7, reason)               \
	X(name##24, (base) + 0x8, reason) X(name##25, (base) + 0x9, reason)               \
	X(name##26, (base) + 0xa, reason) X(name##27, (base) + 0xb, reason)               \
	X(name##28, (base) + 0xc, reason) X(name##29, (base) + 0xd, reason)               \
	X(name##30, (base) + 0xe, reason) X(name##31, (base) + 0xf, reason)

#define SVM_EXITS(X)                                                                      \
	SVM_EXIT_RANGE16(X, READ_CR, 0x000, EXIT_REASON_CR_ACCESS)                        \
	SVM_EXIT_RANGE16(X, WRITE_CR, 0x010, EXIT_REASON_CR_ACCESS)                       \
	SVM_EXIT_RANGE16(X, READ_DR, 0x020, EXIT_REASON_DR_ACCESS)                        \
	SVM_EXIT_RANGE16(X, WRITE_DR, 0x030, EXIT_REASON_DR_ACCESS)                       \
	SVM_EXIT_RANGE16(X, EXCP, 0x040, EXIT_REASON_EXCEPTION_NMI)                       \
	SVM_EXIT_RANGE16_HI(X, EXCP, 0x050, EXIT_REASON_EXCEPTION_NMI)                    \
	X(INTR, 0x060, EXIT_REASON_EXTERNAL_INTERRUPT)                                    \
	X(NMI, 0x061, EXIT_REASON_EXCEPTION_NMI)                                          \
	X(SMI, 0x062, EXIT_REASON_OTHER_SMI)                                              \
	X(INIT, 0x063, EXIT_REASON_INIT_SIGNAL)                                           \
	X(VINTR, 0x064, EXIT_REASON_INTERRUPT_WINDOW)                                     \
	X(CR0_SEL_WRITE, 0x065, EXIT_REASON_CR_ACCESS)                                    \
	X(IDTR_READ, 0x066, EXIT_REASON_GDTR_IDTR_ACCESS)                                 \
	X(GDTR_READ, 0x067, EXIT_REASON_GDTR_IDTR_ACCESS)                                 \
	X(LDTR_READ, 0x068, EXIT_REASON_LDTR_TR_ACCESS)                                   \
	X(TR_READ, 0x069, EXIT_REASON_LDTR_TR_ACCESS)                                     \
	X(IDTR_WRITE, 0x06a, EXIT_REASON_GDTR_IDTR_ACCESS)                                \
	X(GDTR_WRITE, 0x06b, EXIT_REASON_GDTR_IDTR_ACCESS)                                \
	X(LDTR_WRITE, 0x06c, EXIT_REASON_LDTR_TR_ACCESS)                                  \
	X(TR_WRITE, 0x06d, EXIT_REASON_LDTR_TR_ACCESS)                                    \
	X(RDTSC, 0x06e, EXIT_REASON_RDTSC)                                                \
	X(RDPMC, 0x06f, EXIT_REASON_RDPMC)                                                \
	X(PUSHF, 0x070, EXIT_REASON_SVM_PUSHF)                                            \
	X(POPF, 0x071, EXIT_REASON_SVM_POPF)                                              \
	X(CPUID, 0x072, EXIT_REASON_CPUID)                                                \
	X(RSM, 0x073, EXIT_REASON_RSM)                                                    \
	X(IRET, 0x074, EXIT_REASON_SVM_IRET)                                              \
	X(SWINT, 0x075, EXIT_REASON_SVM_SWINT)                                            \
	X(INVD, 0x076, EXIT_REASON_INVD)                                                  \
	X(PAUSE, 0x077, EXIT_REASON_PAUSE)                                                \
	X(HLT, 0x078, EXIT_REASON_HLT)                                                    \
	X(INVLPG, 0x079, EXIT_REASON_INVLPG)                                              \
	X(INVLPGA, 0x07a, EXIT_REASON_SVM_INVLPGA)                                        \
	X(IOIO, 0x07b, EXIT_REASON_IO_INSTRUCTION)                                        \
	X(MSR, 0x07c, EXIT_REASON_RDMSR)                                                  \
	X(TASK_SWITCH, 0x07d, EXIT_REASON_TASK_SWITCH)                                    \
	X(FERR_FREEZE, 0x07e, EXIT_REASON_SVM_FERR_FREEZE)                                \
	X(SHUTDOWN, 0x07f, EXIT_REASON_TRIPLE_FAULT)                                      \
	X(VMRUN, 0x080, EXIT_REASON_SVM_VMRUN)                                            \
	X(VMMCALL, 0x081, EXIT_REASON_VMCALL)                                             \
	X(VMLOAD, 0x082, EXIT_REASON_SVM_VMLOAD)                                          \
	X(VMSAVE, 0x083, EXIT_REASON_SVM_VMSAVE)                                          \
	X(STGI, 0x084, EXIT_REASON_SVM_STGI)                                              \
	X(CLGI, 0x085, EXIT_REASON_SVM_CLGI)                                              \
	X(SKINIT, 0x086, EXIT_REASON_SVM_SKINIT)                                          \
	X(RDTSCP, 0x087, EXIT_REASON_RDTSCP)                                              \
	X(ICEBP, 0x088, EXIT_REASON_EXCEPTION_NMI) /* INT1: a #DB, an exception under VMX */ \
	X(WBINVD, 0x089, EXIT_REASON_WBINVD)                                              \
	X(MONITOR, 0x08a, EXIT_REASON_MONITOR)                                            \
	X(MWAIT, 0x08b, EXIT_REASON_MWAIT)                                                \
	X(MWAIT_CONDITIONAL, 0x08c, EXIT_REASON_MWAIT)                                    \
	X(XSETBV, 0x08d, EXIT_REASON_XSETBV)                                              \
	X(RDPRU, 0x08e, EXIT_REASON_SVM_RDPRU)                                            \
	X(EFER_WRITE_TRAP, 0x08f, EXIT_REASON_SVM_EFER_WRITE_TRAP)                        \
	SVM_EXIT_RANGE16(X, CR_WRITE_TRAP, 0x090, EXIT_REASON_CR_ACCESS)                  \
	X(INVLPGB, 0x0a0, EXIT_REASON_SVM_INVLPGB)                                        \
	X(INVLPGB_ILLEGAL, 0x0a1, EXIT_REASON_SVM_INVLPGB_ILLEGAL)                        \
	X(INVPCID, 0x0a2, EXIT_REASON_INVPCID)                                            \
	X(MCOMMIT, 0x0a3, EXIT_REASON_SVM_MCOMMIT)                                        \
	X(TLBSYNC, 0x0a4, EXIT_REASON_SVM_TLBSYNC)                                        \
	X(BUSLOCK, 0x0a5, EXIT_REASON_BUS_LOCK)                                           \
	X(IDLE_HLT, 0x0a6, EXIT_REASON_HLT)                                               \
	X(NPF, 0x400, EXIT_REASON_EPT_VIOLATION)                                          \
	X(AVIC_INCOMPLETE_IPI, 0x401, EXIT_REASON_SVM_AVIC_INCOMPLETE_IPI)                \
	X(AVIC_NOACCEL, 0x402, EXIT_REASON_APIC_ACCESS)                                   \
	X(VMGEXIT, 0x403, EXIT_REASON_SVM_VMGEXIT)                                        \
	X(INVALID, 0xffffffff, EXIT_REASON_ENTRY_FAIL_GUEST_STATE) /* -1: VMRUN refused the VMCB */ \
	X(BUSY, 0xfffffffe, EXIT_REASON_ENTRY_FAIL_GUEST_STATE)    /* -2: the VMSA was busy (SEV-ES) */

#define SVM_EXIT_ENUM_ENTRY(name, code, reason) SVM_EXIT_##name = (code),
enum svm_exit_code { SVM_EXITS(SVM_EXIT_ENUM_ENTRY) };
#undef SVM_EXIT_ENUM_ENTRY

/* The SVM name of an exit code ("UNKNOWN" for a code the table lacks). */
const char *svm_exit_name(uint64_t code);
/* The reason an exit code counts as; false for a code the table lacks. */
bool svm_exit_reason(uint64_t code, uint32_t *reason);
/* The SVM exit codes that count as reason, in words for the console table ("CPUID 0x72",
 * "READ_CR0..WRITE_CR15 0x0-0x1f, CR0_SEL_WRITE 0x65, ..."; consecutive codes as one range).
 * Returns how many codes; 0 (buf empty) when none does. */
unsigned svm_exit_names_of_reason(uint32_t reason, char *buf, size_t len);

#endif
