/* caps_bits.h: THE tables of the VMX capability MSRs' bits and fields, by their SDM names (the `vmx` report). */
#ifndef VMX_CAPS_BITS_H
#define VMX_CAPS_BITS_H

/*
 * Intel SDM Vol. 3C, chapter 25 (the VMCS's control fields) and Vol. 3D, Appendix A (the
 * capability MSRs that say which settings a CPU allows), as of SDM revision 087 (325462-087US).
 * One table per MSR; vmx/caps_report.c prints every row. A bit a CPU reports that no table names
 * is printed by number, so nothing a CPU offers is hidden.
 *
 * Control tables: X(bit, "SDM name"). The allowed settings come from the control MSRs (Vol. 3D,
 * A.3-A.5: bits 31:0 set = must be 1, bits 63:32 clear = must be 0); whether Tally uses a control
 * comes from the controls it programs (vmx/controls.c), not from these tables.
 */

/* Vol. 3C, 25.6.1 "Pin-Based VM-Execution Controls"; Vol. 3D, A.3.1. */
#define VMX_PIN_CONTROL_BITS(X)                 \
	X(0, "External-interrupt exiting")      \
	X(3, "NMI exiting")                     \
	X(5, "Virtual NMIs")                    \
	X(6, "Activate VMX-preemption timer")   \
	X(7, "Process posted interrupts")

/* Vol. 3C, 25.6.2 "Processor-Based VM-Execution Controls", primary; Vol. 3D, A.3.2. */
#define VMX_PROC_CONTROL_BITS(X)                \
	X(2, "Interrupt-window exiting")        \
	X(3, "Use TSC offsetting")              \
	X(7, "HLT exiting")                     \
	X(9, "INVLPG exiting")                  \
	X(10, "MWAIT exiting")                  \
	X(11, "RDPMC exiting")                  \
	X(12, "RDTSC exiting")                  \
	X(15, "CR3-load exiting")               \
	X(16, "CR3-store exiting")              \
	X(17, "Activate tertiary controls")     \
	X(19, "CR8-load exiting")               \
	X(20, "CR8-store exiting")              \
	X(21, "Use TPR shadow")                 \
	X(22, "NMI-window exiting")             \
	X(23, "MOV-DR exiting")                 \
	X(24, "Unconditional I/O exiting")      \
	X(25, "Use I/O bitmaps")                \
	X(27, "Monitor trap flag")              \
	X(28, "Use MSR bitmaps")                \
	X(29, "MONITOR exiting")                \
	X(30, "PAUSE exiting")                  \
	X(31, "Activate secondary controls")

/* Vol. 3C, 25.6.2, secondary processor-based controls; Vol. 3D, A.3.3 (IA32_VMX_PROCBASED_CTLS2). */
#define VMX_PROC2_CONTROL_BITS(X)                       \
	X(0, "Virtualize APIC accesses")                \
	X(1, "Enable EPT")                              \
	X(2, "Descriptor-table exiting")                \
	X(3, "Enable RDTSCP")                           \
	X(4, "Virtualize x2APIC mode")                  \
	X(5, "Enable VPID")                             \
	X(6, "WBINVD exiting")                          \
	X(7, "Unrestricted guest")                      \
	X(8, "APIC-register virtualization")            \
	X(9, "Virtual-interrupt delivery")              \
	X(10, "PAUSE-loop exiting")                     \
	X(11, "RDRAND exiting")                         \
	X(12, "Enable INVPCID")                         \
	X(13, "Enable VM functions")                    \
	X(14, "VMCS shadowing")                         \
	X(15, "Enable ENCLS exiting")                   \
	X(16, "RDSEED exiting")                         \
	X(17, "Enable PML")                             \
	X(18, "EPT-violation #VE")                      \
	X(19, "Conceal VMX from PT")                    \
	X(20, "Enable XSAVES/XRSTORS")                  \
	X(22, "Mode-based execute control for EPT")     \
	X(23, "Sub-page write permissions for EPT")     \
	X(24, "Intel PT uses guest physical addresses") \
	X(25, "Use TSC scaling")                        \
	X(26, "Enable user wait and pause")             \
	X(27, "Enable PCONFIG")                         \
	X(28, "Enable ENCLV exiting")                   \
	X(30, "VMM bus-lock detection")                 \
	X(31, "Instruction timeout")

/* Vol. 3C, 25.6.2, tertiary processor-based controls; Vol. 3D, A.3.4 (IA32_VMX_PROCBASED_CTLS3:
 * 64 allowed-1 bits, every control may be 0). */
#define VMX_PROC3_CONTROL_BITS(X)               \
	X(0, "LOADIWKEY exiting")               \
	X(1, "Enable HLAT")                     \
	X(2, "EPT paging-write control")        \
	X(3, "Guest-paging verification")       \
	X(4, "IPI virtualization")

/* Vol. 3C, 25.7.1 "VM-Exit Controls", primary; Vol. 3D, A.4.1. */
#define VMX_EXIT_CONTROL_BITS(X)                        \
	X(2, "Save debug controls")                     \
	X(9, "Host address-space size")                 \
	X(12, "Load IA32_PERF_GLOBAL_CTRL")             \
	X(15, "Acknowledge interrupt on exit")          \
	X(18, "Save IA32_PAT")                          \
	X(19, "Load IA32_PAT")                          \
	X(20, "Save IA32_EFER")                         \
	X(21, "Load IA32_EFER")                         \
	X(22, "Save VMX-preemption timer value")        \
	X(23, "Clear IA32_BNDCFGS")                     \
	X(24, "Conceal VMX from PT")                    \
	X(25, "Clear IA32_RTIT_CTL")                    \
	X(26, "Clear IA32_LBR_CTL")                     \
	X(27, "Clear UINV")                             \
	X(28, "Load CET state")                         \
	X(29, "Load PKRS")                              \
	X(30, "Save IA32_PERF_GLOBAL_CTL")              \
	X(31, "Activate secondary controls")

/* Vol. 3C, 25.8.1 "VM-Entry Controls"; Vol. 3D, A.5. */
#define VMX_ENTRY_CONTROL_BITS(X)                       \
	X(2, "Load debug controls")                     \
	X(9, "IA-32e mode guest")                       \
	X(10, "Entry to SMM")                           \
	X(11, "Deactivate dual-monitor treatment")      \
	X(13, "Load IA32_PERF_GLOBAL_CTRL")             \
	X(14, "Load IA32_PAT")                          \
	X(15, "Load IA32_EFER")                         \
	X(16, "Load IA32_BNDCFGS")                      \
	X(17, "Conceal VMX from PT")                    \
	X(18, "Load IA32_RTIT_CTL")                     \
	X(19, "Load UINV")                              \
	X(20, "Load CET state")                         \
	X(21, "Load guest IA32_LBR_CTL")                \
	X(22, "Load PKRS")

/* Vol. 3D, A.11 (IA32_VMX_VMFUNC: which VM functions may be enabled); Vol. 3C, 26.5.6. */
#define VMX_VMFUNC_BITS(X) X(0, "EPTP switching")

/* Vol. 3D, A.10 "VPID and EPT Capabilities" (IA32_VMX_EPT_VPID_CAP): X(bit, name). */
#define VMX_EPT_VPID_BITS(X)                                            \
	X(0, "EPT: execute-only translations")                          \
	X(6, "EPT: page-walk length 4")                                 \
	X(7, "EPT: page-walk length 5")                                 \
	X(8, "EPT: uncacheable paging structures")                      \
	X(14, "EPT: write-back paging structures")                      \
	X(16, "EPT: 2-MByte pages")                                     \
	X(17, "EPT: 1-GByte pages")                                     \
	X(20, "INVEPT")                                                 \
	X(21, "EPT: accessed and dirty flags")                          \
	X(22, "EPT: advanced VM-exit information for EPT violations")   \
	X(23, "EPT: supervisor shadow-stack control")                   \
	X(25, "INVEPT: single-context")                                 \
	X(26, "INVEPT: all-context")                                    \
	X(32, "INVVPID")                                                \
	X(40, "INVVPID: individual-address")                            \
	X(41, "INVVPID: single-context")                                \
	X(42, "INVVPID: all-context")                                   \
	X(43, "INVVPID: single-context-retaining-globals")

/*
 * Multi-bit fields: X(first bit, width, name, format). The format token says how the value reads:
 * CAPF_FLAG yes/no, CAPF_DEC, CAPF_HEX, CAPF_MEMTYPE (SDM Vol. 3A, 12.3 memory type encodings),
 * CAPF_POW2 (1 << value), CAPF_MSR_LIST (512 * (value + 1)).
 */
/* Vol. 3D, A.1 "Basic VMX Information" (IA32_VMX_BASIC). */
#define VMX_BASIC_FIELDS(X)                                                                  \
	X(0, 31, "VMCS revision identifier", CAPF_HEX)                                       \
	X(32, 13, "VMXON and VMCS region size (bytes)", CAPF_DEC)                            \
	X(48, 1, "VMX structures limited to 32-bit physical addresses", CAPF_FLAG)           \
	X(49, 1, "dual-monitor treatment of SMIs and SMM", CAPF_FLAG)                        \
	X(50, 4, "memory type for the VMCS and the structures it points to", CAPF_MEMTYPE)   \
	X(54, 1, "INS/OUTS instruction information on VM exits", CAPF_FLAG)                 \
	X(55, 1, "TRUE_ control MSRs (default1 controls may be 0)", CAPF_FLAG)               \
	X(56, 1, "VM entry delivers hardware exceptions with any error-code setting", CAPF_FLAG)

/* Vol. 3D, A.6 "Miscellaneous Data" (IA32_VMX_MISC). */
#define VMX_MISC_FIELDS(X)                                                                   \
	X(0, 5, "TSC cycles per VMX-preemption timer tick", CAPF_POW2)                       \
	X(5, 1, "VM exits store EFER.LMA into the IA-32e mode guest control", CAPF_FLAG)     \
	X(6, 1, "activity state HLT", CAPF_FLAG)                                             \
	X(7, 1, "activity state shutdown", CAPF_FLAG)                                        \
	X(8, 1, "activity state wait-for-SIPI", CAPF_FLAG)                                   \
	X(14, 1, "Intel PT in VMX operation", CAPF_FLAG)                                     \
	X(15, 1, "RDMSR of IA32_SMBASE in SMM", CAPF_FLAG)                                   \
	X(16, 9, "CR3-target values", CAPF_DEC)                                              \
	X(25, 3, "MSR-list entries recommended at most", CAPF_MSR_LIST)                      \
	X(28, 1, "IA32_SMM_MONITOR_CTL bit 2 may be 1", CAPF_FLAG)                           \
	X(29, 1, "VMWRITE to VM-exit information fields", CAPF_FLAG)                         \
	X(30, 1, "VM entry injects events with instruction length 0", CAPF_FLAG)             \
	X(32, 32, "MSEG revision identifier", CAPF_HEX)

/* Vol. 3D, A.9 "VMCS Enumeration" (IA32_VMX_VMCS_ENUM). */
#define VMX_VMCS_ENUM_FIELDS(X) X(1, 9, "highest index in a VMCS field encoding", CAPF_HEX)

/* Vol. 3D, A.10: bits 53:48 of IA32_VMX_EPT_VPID_CAP. */
#define VMX_EPT_VPID_FIELDS(X) X(48, 6, "HLAT prefix size", CAPF_DEC)

/* Vol. 3A, 2.5 "Control Registers": the names of CR0's and CR4's bits, for IA32_VMX_CR0_FIXED0/1
 * and IA32_VMX_CR4_FIXED0/1 (Vol. 3D, A.7 and A.8). */
#define CR0_BITS(X)                                                                          \
	X(0, "PE") X(1, "MP") X(2, "EM") X(3, "TS") X(4, "ET") X(5, "NE") X(16, "WP") X(18, "AM") \
	X(29, "NW") X(30, "CD") X(31, "PG")
#define CR4_BITS(X)                                                                           \
	X(0, "VME") X(1, "PVI") X(2, "TSD") X(3, "DE") X(4, "PSE") X(5, "PAE") X(6, "MCE")    \
	X(7, "PGE") X(8, "PCE") X(9, "OSFXSR") X(10, "OSXMMEXCPT") X(11, "UMIP") X(12, "LA57") \
	X(13, "VMXE") X(14, "SMXE") X(16, "FSGSBASE") X(17, "PCIDE") X(18, "OSXSAVE")          \
	X(19, "KL") X(20, "SMEP") X(21, "SMAP") X(22, "PKE") X(23, "CET") X(24, "PKS")        \
	X(25, "UINTR")

#endif
