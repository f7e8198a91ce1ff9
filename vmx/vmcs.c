/* vmcs.c: checked VMREAD/VMWRITE, VM-instruction error names, guest-state dump, event injection. */
#include "kernel/arch/panic.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/vmcs.h"

/* Intel SDM Vol. 3C, 31.4 "VM Instruction Error Numbers", Table 31-1. */
static const char *const instruction_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmcs_instruction_error_name(uint64_t n)
{
	if (n < sizeof(instruction_errors) / sizeof(instruction_errors[0]) && instruction_errors[n])
		return instruction_errors[n];
	return "unknown VM-instruction error";
}

static void vmfail_panic(const char *insn, uint64_t field, enum vmx_status st)
{
	uint64_t err = 0;
	if (st == VMX_FAIL_VALID && vmread(VMCS_VM_INSTRUCTION_ERROR, &err) == VMX_OK)
		panic("%s of VMCS field 0x%llx failed: VM-instruction error %llu (%s)", insn,
		      (unsigned long long)field, (unsigned long long)err, vmcs_instruction_error_name(err));
	panic("%s of VMCS field 0x%llx failed: VMfailInvalid (no current VMCS)", insn, (unsigned long long)field);
}

uint64_t vmcs_read(uint64_t field)
{
	uint64_t v;
	enum vmx_status st = vmread(field, &v);
	if (st != VMX_OK)
		vmfail_panic("VMREAD", field, st);
	return v;
}

void vmcs_write(uint64_t field, uint64_t val)
{
	enum vmx_status st = vmwrite(field, val);
	if (st != VMX_OK)
		vmfail_panic("VMWRITE", field, st);
}

/* SDM Vol. 3C, 25.4.2, Table 25-3 and 25-4: blocking by STI and MOV SS; pending debug BS. */
#define BLOCKING_BY_STI_OR_MOV_SS 0x3ull
#define PENDING_DBG_BS (1ull << 14)
/* SDM Vol. 1, 3.4.3: RFLAGS.TF and RF. */
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_RF (1ull << 16)
/* SDM Vol. 3A, 6.15: the fault-class exceptions (#DE #BR #UD #NM #TS #NP #SS #GP #PF #MF #AC #XM #VE). */
#define FAULT_VECTORS ((1u << 0) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 10) | (1u << 11) | (1u << 12) | \
		       (1u << 13) | (1u << 14) | (1u << 16) | (1u << 17) | (1u << 19) | (1u << 20))

/* The instruction Tally emulated is done: an STI/MOV SS shadow covered only it, and with
 * RFLAGS.TF the single-step trap is due now, after it (SDM Vol. 3C, 27.7.3: BS pending). */
void vmcs_skip_instruction(void)
{
	vmcs_skip_bytes((unsigned)vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
}

void vmcs_skip_bytes(unsigned len)
{
	vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + len);
	uint64_t shadow = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	if (shadow & BLOCKING_BY_STI_OR_MOV_SS)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, shadow & ~BLOCKING_BY_STI_OR_MOV_SS);
	if (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_TF)
		vmcs_write(VMCS_GUEST_PENDING_DBG, vmcs_read(VMCS_GUEST_PENDING_DBG) | PENDING_DBG_BS);
}

/* SDM Vol. 3C, 27.6.1: in real mode an exception pushes no error code; a fault's RFLAGS image
 * has RF set (SDM Vol. 3A, 18.3.1.1), so a code breakpoint on the faulting instruction does
 * not fire again when the handler returns to it. */
void vmcs_inject_exception(unsigned vector, bool has_error, uint32_t error)
{
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;
	if (!(vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_PE))
		has_error = false;
	if (vector < 32 && (FAULT_VECTORS & (1u << vector)))
		vmcs_write(VMCS_GUEST_RFLAGS, vmcs_read(VMCS_GUEST_RFLAGS) | RFLAGS_RF);
	if (has_error) {
		info |= INTR_INFO_DELIVER_ERROR;
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, error);
	}
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
}

static void dump_segments(const char *who)
{
	static const char *const names[SEG_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };
	for (int s = 0; s < SEG_COUNT; s++)
		kprintf("guest %s:   %-4s sel 0x%04llx base 0x%016llx limit 0x%08llx access 0x%05llx\n", who, names[s],
			(unsigned long long)vmcs_read(VMCS_GUEST_SEL(s)), (unsigned long long)vmcs_read(VMCS_GUEST_BASE(s)),
			(unsigned long long)vmcs_read(VMCS_GUEST_LIMIT(s)),
			(unsigned long long)vmcs_read(VMCS_GUEST_ACCESS(s)));
}

void vmcs_dump_guest_state(const char *who)
{
	kprintf("guest %s: guest state: RIP 0x%llx RSP 0x%llx RFLAGS 0x%llx\n", who,
		(unsigned long long)vmcs_read(VMCS_GUEST_RIP), (unsigned long long)vmcs_read(VMCS_GUEST_RSP),
		(unsigned long long)vmcs_read(VMCS_GUEST_RFLAGS));
	kprintf("guest %s:   CR0 0x%llx (shadow 0x%llx) CR3 0x%llx CR4 0x%llx (shadow 0x%llx) EFER 0x%llx DR7 0x%llx\n", who,
		(unsigned long long)vmcs_read(VMCS_GUEST_CR0), (unsigned long long)vmcs_read(VMCS_CR0_READ_SHADOW),
		(unsigned long long)vmcs_read(VMCS_GUEST_CR3), (unsigned long long)vmcs_read(VMCS_GUEST_CR4),
		(unsigned long long)vmcs_read(VMCS_CR4_READ_SHADOW), (unsigned long long)vmcs_read(VMCS_GUEST_IA32_EFER),
		(unsigned long long)vmcs_read(VMCS_GUEST_DR7));
	dump_segments(who);
	kprintf("guest %s:   GDTR 0x%llx/0x%llx IDTR 0x%llx/0x%llx activity %llu interruptibility 0x%llx link 0x%llx\n", who,
		(unsigned long long)vmcs_read(VMCS_GUEST_GDTR_BASE), (unsigned long long)vmcs_read(VMCS_GUEST_GDTR_LIMIT),
		(unsigned long long)vmcs_read(VMCS_GUEST_IDTR_BASE), (unsigned long long)vmcs_read(VMCS_GUEST_IDTR_LIMIT),
		(unsigned long long)vmcs_read(VMCS_GUEST_ACTIVITY_STATE),
		(unsigned long long)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY), (unsigned long long)vmcs_read(VMCS_LINK_POINTER));
	kprintf("guest %s:   controls: pin 0x%llx proc 0x%llx proc2 0x%llx exit 0x%llx entry 0x%llx EPTP 0x%llx\n", who,
		(unsigned long long)vmcs_read(VMCS_PIN_CONTROLS), (unsigned long long)vmcs_read(VMCS_PROC_CONTROLS),
		(unsigned long long)vmcs_read(VMCS_PROC2_CONTROLS), (unsigned long long)vmcs_read(VMCS_EXIT_CONTROLS),
		(unsigned long long)vmcs_read(VMCS_ENTRY_CONTROLS), (unsigned long long)vmcs_read(VMCS_EPT_POINTER));
}
