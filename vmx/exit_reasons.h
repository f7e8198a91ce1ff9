/* exit_reasons.h: THE table of VMX basic exit reasons (enum, names, handlers, statistics index). */
#ifndef VMX_EXIT_REASONS_H
#define VMX_EXIT_REASONS_H

/*
 * Intel SDM Vol. 3C, Appendix C "VMX Basic Exit Reasons", Table C-1, as of SDM revision 087
 * (order number 325462-087US, March 2025): numbers 0-85; 35, 38, 42, 71, 82 and 83 are reserved.
 * Then Tally's own numbers 86-105 (TALLY_SVM_EXIT_REASONS below).
 *
 * X(NAME, number, handler). The handler column is a token the includer gives meaning to:
 *   handle_<reason>  Tally enables this exit (or it is unconditional) and handles it (vmx/exit_*.c);
 *   EXIT_NEVER       defined by the SDM, but Tally never enables it: if it happens anyway the guest
 *                    is stopped with a named report;
 *   EXIT_RESERVED    a reserved number.
 * Guests include this file too (through vmx/abi.h) and ignore the handler column.
 */
#define VMX_EXIT_REASONS(X)                                         \
	X(EXCEPTION_NMI, 0, EXIT_NEVER)                             \
	X(EXTERNAL_INTERRUPT, 1, handle_external_interrupt)         \
	X(TRIPLE_FAULT, 2, handle_triple_fault)                     \
	X(INIT_SIGNAL, 3, EXIT_NEVER)                               \
	X(SIPI, 4, EXIT_NEVER)                                      \
	X(IO_SMI, 5, EXIT_NEVER)                                    \
	X(OTHER_SMI, 6, EXIT_NEVER)                                 \
	X(INTERRUPT_WINDOW, 7, handle_interrupt_window)             \
	X(NMI_WINDOW, 8, EXIT_NEVER)                                \
	X(TASK_SWITCH, 9, handle_task_switch)                       \
	X(CPUID, 10, handle_cpuid)                                  \
	X(GETSEC, 11, EXIT_NEVER)                                   \
	X(HLT, 12, handle_hlt)                                      \
	X(INVD, 13, handle_wbinvd)                                  \
	X(INVLPG, 14, EXIT_NEVER)                                   \
	X(RDPMC, 15, handle_rdpmc)                                  \
	X(RDTSC, 16, EXIT_NEVER)                                    \
	X(RSM, 17, EXIT_NEVER)                                      \
	X(VMCALL, 18, handle_vmcall)                                \
	X(VMCLEAR, 19, handle_vmx_instruction)                      \
	X(VMLAUNCH, 20, handle_vmx_instruction)                     \
	X(VMPTRLD, 21, handle_vmx_instruction)                      \
	X(VMPTRST, 22, handle_vmx_instruction)                      \
	X(VMREAD, 23, handle_vmx_instruction)                       \
	X(VMRESUME, 24, handle_vmx_instruction)                     \
	X(VMWRITE, 25, handle_vmx_instruction)                      \
	X(VMXOFF, 26, handle_vmx_instruction)                       \
	X(VMXON, 27, handle_vmx_instruction)                        \
	X(CR_ACCESS, 28, handle_cr_access)                          \
	X(DR_ACCESS, 29, EXIT_NEVER)                                \
	X(IO_INSTRUCTION, 30, handle_io)                            \
	X(RDMSR, 31, handle_rdmsr)                                  \
	X(WRMSR, 32, handle_wrmsr)                                  \
	X(ENTRY_FAIL_GUEST_STATE, 33, handle_entry_failure)         \
	X(ENTRY_FAIL_MSR_LOADING, 34, EXIT_NEVER)                   \
	X(RESERVED_35, 35, EXIT_RESERVED)                           \
	X(MWAIT, 36, EXIT_NEVER)                                    \
	X(MONITOR_TRAP_FLAG, 37, EXIT_NEVER)                        \
	X(RESERVED_38, 38, EXIT_RESERVED)                           \
	X(MONITOR, 39, EXIT_NEVER)                                  \
	X(PAUSE, 40, EXIT_NEVER)                                    \
	X(ENTRY_FAIL_MACHINE_CHECK, 41, handle_entry_failure)       \
	X(RESERVED_42, 42, EXIT_RESERVED)                           \
	X(TPR_BELOW_THRESHOLD, 43, EXIT_NEVER)                      \
	X(APIC_ACCESS, 44, EXIT_NEVER)                              \
	X(VIRTUALIZED_EOI, 45, EXIT_NEVER)                          \
	X(GDTR_IDTR_ACCESS, 46, EXIT_NEVER)                         \
	X(LDTR_TR_ACCESS, 47, EXIT_NEVER)                           \
	X(EPT_VIOLATION, 48, handle_ept_violation)                  \
	X(EPT_MISCONFIG, 49, handle_ept_misconfig)                  \
	X(INVEPT, 50, handle_vmx_instruction)                       \
	X(RDTSCP, 51, EXIT_NEVER)                                   \
	X(PREEMPTION_TIMER, 52, handle_preemption_timer)            \
	X(INVVPID, 53, handle_vmx_instruction)                      \
	X(WBINVD, 54, handle_wbinvd)                                \
	X(XSETBV, 55, handle_xsetbv)                                \
	X(APIC_WRITE, 56, EXIT_NEVER)                               \
	X(RDRAND, 57, EXIT_NEVER)                                   \
	X(INVPCID, 58, EXIT_NEVER)                                  \
	X(VMFUNC, 59, EXIT_NEVER)                                   \
	X(ENCLS, 60, EXIT_NEVER)                                    \
	X(RDSEED, 61, EXIT_NEVER)                                   \
	X(PML_FULL, 62, EXIT_NEVER)                                 \
	X(XSAVES, 63, EXIT_NEVER)                                   \
	X(XRSTORS, 64, EXIT_NEVER)                                  \
	X(PCONFIG, 65, EXIT_NEVER)                                  \
	X(SPP_EVENT, 66, EXIT_NEVER)                                \
	X(UMWAIT, 67, EXIT_NEVER)                                   \
	X(TPAUSE, 68, EXIT_NEVER)                                   \
	X(LOADIWKEY, 69, EXIT_NEVER)                                \
	X(ENCLV, 70, EXIT_NEVER)                                    \
	X(RESERVED_71, 71, EXIT_RESERVED)                           \
	X(ENQCMD_PASID_FAIL, 72, EXIT_NEVER)                        \
	X(ENQCMDS_PASID_FAIL, 73, EXIT_NEVER)                       \
	X(BUS_LOCK, 74, EXIT_NEVER)                                 \
	X(INSTRUCTION_TIMEOUT, 75, EXIT_NEVER)                      \
	X(SEAMCALL, 76, EXIT_NEVER)                                 \
	X(TDCALL, 77, EXIT_NEVER)                                   \
	X(RDMSRLIST, 78, EXIT_NEVER)                                \
	X(WRMSRLIST, 79, EXIT_NEVER)                                \
	X(URDMSR, 80, EXIT_NEVER)                                   \
	X(UWRMSR, 81, EXIT_NEVER)                                   \
	X(RESERVED_82, 82, EXIT_RESERVED)                           \
	X(RESERVED_83, 83, EXIT_RESERVED)                           \
	X(RDMSR_IMM, 84, EXIT_NEVER)                                \
	X(WRMSRNS_IMM, 85, EXIT_NEVER)                              \
	TALLY_SVM_EXIT_REASONS(X)

/*
 * Tally's own reasons, beyond the SDM's range: the AMD SVM exits that have no VMX counterpart
 * (AMD APM Vol. 2, Appendix C; vmx/svm/svm_exits.h maps every SVM exit code to a reason). Under
 * VMX they never happen. The SVM instructions a guest may try (its EFER.SVME is set underneath, as
 * SVM requires) are intercepted and answered with #UD, as VMX instructions are under VMX.
 */
#define TALLY_SVM_EXIT_REASONS(X)                                   \
	X(SVM_VMRUN, 86, handle_svm_instruction)                    \
	X(SVM_VMLOAD, 87, handle_svm_instruction)                   \
	X(SVM_VMSAVE, 88, handle_svm_instruction)                   \
	X(SVM_STGI, 89, handle_svm_instruction)                     \
	X(SVM_CLGI, 90, handle_svm_instruction)                     \
	X(SVM_SKINIT, 91, handle_svm_instruction)                   \
	X(SVM_INVLPGA, 92, handle_svm_instruction)                  \
	X(SVM_PUSHF, 93, EXIT_NEVER)                                \
	X(SVM_POPF, 94, EXIT_NEVER)                                 \
	X(SVM_IRET, 95, EXIT_NEVER)                                 \
	X(SVM_SWINT, 96, EXIT_NEVER)                                \
	X(SVM_FERR_FREEZE, 97, EXIT_NEVER)                          \
	X(SVM_RDPRU, 98, EXIT_NEVER)                                \
	X(SVM_EFER_WRITE_TRAP, 99, EXIT_NEVER)                      \
	X(SVM_INVLPGB, 100, EXIT_NEVER)                             \
	X(SVM_INVLPGB_ILLEGAL, 101, EXIT_NEVER)                     \
	X(SVM_MCOMMIT, 102, EXIT_NEVER)                             \
	X(SVM_TLBSYNC, 103, EXIT_NEVER)                             \
	X(SVM_AVIC_INCOMPLETE_IPI, 104, EXIT_NEVER)                 \
	X(SVM_VMGEXIT, 105, EXIT_NEVER)

#define VMX_EXIT_ENUM_ENTRY(name, num, handler) EXIT_REASON_##name = num,
enum vmx_exit_reason { VMX_EXIT_REASONS(VMX_EXIT_ENUM_ENTRY) };
#undef VMX_EXIT_ENUM_ENTRY

/* One past the SDM's highest basic exit reason: a VMX exit at or beyond it is refused. */
#define VMX_SDM_REASON_COUNT 86
/* One past the highest reason Tally counts (the SDM's and Tally's own): the size of every
 * per-reason array and the first number the statistics leaves call undefined. */
#define VMX_EXIT_REASON_COUNT 106

#endif
