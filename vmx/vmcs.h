/* vmcs.h: VMCS field encodings, control bits, and the checked accessors every vmx/ file uses. */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#include <stdint.h>

#include "vmx/vmx_insn.h"

/* Intel SDM Vol. 3D, Appendix B "Field Encoding in VMCS". */
/* B.1.1 16-bit control fields */
#define VMCS_VPID 0x0000
/* B.1.2 16-bit guest-state fields (ES, CS, SS, DS, FS, GS, LDTR, TR: consecutive by 2) */
#define VMCS_GUEST_ES_SELECTOR 0x0800
/* B.1.3 16-bit host-state fields */
#define VMCS_HOST_ES_SELECTOR 0x0c00
#define VMCS_HOST_CS_SELECTOR 0x0c02
#define VMCS_HOST_SS_SELECTOR 0x0c04
#define VMCS_HOST_DS_SELECTOR 0x0c06
#define VMCS_HOST_FS_SELECTOR 0x0c08
#define VMCS_HOST_GS_SELECTOR 0x0c0a
#define VMCS_HOST_TR_SELECTOR 0x0c0c
/* B.2.1 64-bit control fields */
#define VMCS_MSR_BITMAP 0x2004
#define VMCS_TSC_OFFSET 0x2010
#define VMCS_EPT_POINTER 0x201a
/* B.2.2 64-bit read-only data field */
#define VMCS_GUEST_PHYSICAL_ADDRESS 0x2400
/* B.2.3 64-bit guest-state fields */
#define VMCS_LINK_POINTER 0x2800
#define VMCS_GUEST_IA32_DEBUGCTL 0x2802
#define VMCS_GUEST_IA32_PAT 0x2804
#define VMCS_GUEST_IA32_EFER 0x2806
/* B.2.4 64-bit host-state fields */
#define VMCS_HOST_IA32_PAT 0x2c00
#define VMCS_HOST_IA32_EFER 0x2c02
/* B.3.1 32-bit control fields */
#define VMCS_PIN_CONTROLS 0x4000
#define VMCS_PROC_CONTROLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_CR3_TARGET_COUNT 0x400a
#define VMCS_EXIT_CONTROLS 0x400c
#define VMCS_EXIT_MSR_STORE_COUNT 0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CONTROLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR 0x4018
#define VMCS_ENTRY_INSTRUCTION_LENGTH 0x401a
#define VMCS_PROC2_CONTROLS 0x401e
/* B.3.2 32-bit read-only data fields */
#define VMCS_VM_INSTRUCTION_ERROR 0x4400
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INTR_INFO 0x4404
#define VMCS_EXIT_INTR_ERROR 0x4406
#define VMCS_IDT_VECTORING_INFO 0x4408
#define VMCS_EXIT_INSTRUCTION_LENGTH 0x440c
#define VMCS_EXIT_INSTRUCTION_INFO 0x440e
/* B.3.3 32-bit guest-state fields (limits and access rights: ES..TR consecutive by 2) */
#define VMCS_GUEST_ES_LIMIT 0x4800
#define VMCS_GUEST_GDTR_LIMIT 0x4810
#define VMCS_GUEST_IDTR_LIMIT 0x4812
#define VMCS_GUEST_ES_ACCESS 0x4814
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY_STATE 0x4826
#define VMCS_GUEST_SYSENTER_CS 0x482a
#define VMCS_PREEMPTION_TIMER_VALUE 0x482e
/* B.3.4 32-bit host-state field */
#define VMCS_HOST_SYSENTER_CS 0x4c00
/* B.4.1 natural-width control fields */
#define VMCS_CR0_GUEST_HOST_MASK 0x6000
#define VMCS_CR4_GUEST_HOST_MASK 0x6002
#define VMCS_CR0_READ_SHADOW 0x6004
#define VMCS_CR4_READ_SHADOW 0x6006
/* B.4.2 natural-width read-only data fields */
#define VMCS_EXIT_QUALIFICATION 0x6400
#define VMCS_GUEST_LINEAR_ADDRESS 0x640a
/* B.4.3 natural-width guest-state fields (segment bases ES..TR consecutive by 2) */
#define VMCS_GUEST_CR0 0x6800
#define VMCS_GUEST_CR3 0x6802
#define VMCS_GUEST_CR4 0x6804
#define VMCS_GUEST_ES_BASE 0x6806
#define VMCS_GUEST_GDTR_BASE 0x6816
#define VMCS_GUEST_IDTR_BASE 0x6818
#define VMCS_GUEST_DR7 0x681a
#define VMCS_GUEST_RSP 0x681c
#define VMCS_GUEST_RIP 0x681e
#define VMCS_GUEST_RFLAGS 0x6820
#define VMCS_GUEST_PENDING_DBG 0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
/* B.4.4 natural-width host-state fields */
#define VMCS_HOST_CR0 0x6c00
#define VMCS_HOST_CR3 0x6c02
#define VMCS_HOST_CR4 0x6c04
#define VMCS_HOST_FS_BASE 0x6c06
#define VMCS_HOST_GS_BASE 0x6c08
#define VMCS_HOST_TR_BASE 0x6c0a
#define VMCS_HOST_GDTR_BASE 0x6c0c
#define VMCS_HOST_IDTR_BASE 0x6c0e
#define VMCS_HOST_SYSENTER_ESP 0x6c10
#define VMCS_HOST_SYSENTER_EIP 0x6c12
#define VMCS_HOST_RSP 0x6c14
#define VMCS_HOST_RIP 0x6c16

/* Guest segment registers in VMCS order (SDM 3D, B.1.2): field = base field + 2 * seg. */
enum vmcs_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };
#define VMCS_GUEST_SEL(s) (VMCS_GUEST_ES_SELECTOR + 2 * (s))
#define VMCS_GUEST_LIMIT(s) (VMCS_GUEST_ES_LIMIT + 2 * (s))
#define VMCS_GUEST_ACCESS(s) (VMCS_GUEST_ES_ACCESS + 2 * (s))
#define VMCS_GUEST_BASE(s) (VMCS_GUEST_ES_BASE + 2 * (s))

/* SDM Vol. 3C, 25.6.1 pin-based controls */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_PREEMPTION_TIMER (1u << 6)
/* SDM Vol. 3C, 25.6.2 primary processor-based controls */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)
#define PROC_HLT_EXITING (1u << 7)
#define PROC_RDPMC_EXITING (1u << 11)
#define PROC_CR8_LOAD_EXITING (1u << 19)
#define PROC_CR8_STORE_EXITING (1u << 20)
#define PROC_CR3_LOAD_EXITING (1u << 15)
#define PROC_CR3_STORE_EXITING (1u << 16)
#define PROC_UNCONDITIONAL_IO_EXITING (1u << 24)
#define PROC_USE_MSR_BITMAPS (1u << 28)
#define PROC_ACTIVATE_SECONDARY (1u << 31)
/* SDM Vol. 3C, 25.6.2 secondary processor-based controls */
#define PROC2_ENABLE_EPT (1u << 1)
#define PROC2_ENABLE_VPID (1u << 5)
#define PROC2_WBINVD_EXITING (1u << 6)
#define PROC2_UNRESTRICTED_GUEST (1u << 7)
/* SDM Vol. 3C, 25.7.1 VM-exit controls */
#define EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define EXIT_HOST_ADDRESS_SPACE_64 (1u << 9)
#define EXIT_ACK_INTERRUPT (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
/* SDM Vol. 3C, 25.8.1 VM-entry controls */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_IA32E_GUEST (1u << 9)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* SDM Vol. 3C, 25.9.1: exit reason bit 31 = VM-entry failure. */
#define EXIT_REASON_ENTRY_FAILED (1u << 31)
#define EXIT_REASON_BASIC(r) ((r) & 0xffffu)

/* SDM Vol. 3C, 25.8.3 VM-entry interruption-information field. */
#define INTR_INFO_VALID (1u << 31)
#define INTR_INFO_DELIVER_ERROR (1u << 11)
#define INTR_INFO_NMI_UNBLOCKING (1u << 12) /* IDT-vectoring info only: "undefined" at entry */
#define INTR_INFO_TYPE_MASK (7u << 8)
#define INTR_TYPE_EXTERNAL_INTERRUPT (0u << 8)
#define INTR_TYPE_HW_EXCEPTION (3u << 8)
#define VECTOR_UD 6
#define VECTOR_GP 13

/* Checked accessors: a failing VMREAD/VMWRITE of a field Tally uses is a hypervisor bug and
 * panics with the decoded VM-instruction error and the field encoding. */
uint64_t vmcs_read(uint64_t field);
void vmcs_write(uint64_t field, uint64_t val);

/* SDM Vol. 3C, 31.4: the text of VM-instruction error number n. */
const char *vmcs_instruction_error_name(uint64_t n);

/* Prints the guest-state area and the controls (for failed entries and fatal exits), each line
 * starting "guest <name>:". */
void vmcs_dump_guest_state(const char *who);

/* Advances guest RIP over the instruction that exited (VM-exit instruction length). */
void vmcs_skip_instruction(void);
/* The same for an instruction Tally decoded itself, len bytes long (exits that give no length). */
void vmcs_skip_bytes(unsigned len);
/* Queues a hardware exception for the next VM entry (SDM Vol. 3C, 27.6). */
void vmcs_inject_exception(unsigned vector, bool has_error, uint32_t error);

#endif
