/* guest_start.c: a guest's state at its first entry (multiboot or Linux 64-bit boot protocol), written through the backend. */
#include <string.h>

#include "kernel/arch/x86.h"
#include "vmx/backend.h"
#include "vmx/guest_start.h"

/* SDM Vol. 3C, 25.4.1: segment access rights (type, S, DPL, P, D/B, G; bit 16 = unusable). */
#define AR_CODE32 0xc09bu  /* execute/read, accessed, present, 32-bit, 4 KiB granularity */
#define AR_DATA32 0xc093u  /* read/write, accessed */
#define AR_CODE64 0xa09bu  /* execute/read, accessed, present, L (64-bit), 4 KiB granularity */
#define AR_TSS32_BUSY 0x008bu /* type 11: also the busy 64-bit TSS IA-32e mode entry needs (26.3.1.2) */
#define AR_UNUSABLE 0x10000u
/* Selectors a multiboot kernel starts with (GRUB's flat segments; the spec leaves them open); a
 * Linux kernel's __BOOT_CS and __BOOT_DS have the same numbers (boot.rst, 64-bit boot protocol). */
#define GUEST_CS 0x10
#define GUEST_DS 0x18
#define DR7_INIT 0x400ull
#define RFLAGS_RESERVED1 0x2ull

static void setup_segment(enum vmcs_seg s, uint16_t sel, uint32_t limit, uint32_t access)
{
	vcpu_write(VMCS_GUEST_SEL(s), sel);
	vcpu_write(VMCS_GUEST_BASE(s), 0);
	vcpu_write(VMCS_GUEST_LIMIT(s), limit);
	vcpu_write(VMCS_GUEST_ACCESS(s), access);
}

/* Multiboot spec 0.6.96, 3.2 "Machine state": 32-bit protected mode, flat 4 GiB segments,
 * paging off, EFLAGS.IF = 0, EAX = magic, EBX = information block. */
static void setup_guest_state(struct vcpu *v, const struct guest_boot *boot)
{
	for (enum vmcs_seg s = SEG_ES; s <= SEG_GS; s++)
		setup_segment(s, s == SEG_CS ? GUEST_CS : GUEST_DS, 0xffffffff, s == SEG_CS ? AR_CODE32 : AR_DATA32);
	setup_segment(SEG_LDTR, 0, 0, AR_UNUSABLE);
	setup_segment(SEG_TR, 0, 0xff, AR_TSS32_BUSY);
	vcpu_write(VMCS_GUEST_GDTR_BASE, 0);
	vcpu_write(VMCS_GUEST_GDTR_LIMIT, 0);
	vcpu_write(VMCS_GUEST_IDTR_BASE, 0);
	vcpu_write(VMCS_GUEST_IDTR_LIMIT, 0);
	vcpu_write(VMCS_GUEST_IA32_EFER, 0);
	vcpu_write(VMCS_GUEST_IA32_PAT, PAT_POWER_ON);
	vcpu_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vcpu_set_cr0(v, CR0_PE | CR0_ET);
	vcpu_set_cr4(v, 0);
	vcpu_write(VMCS_GUEST_CR3, 0);
	vcpu_write(VMCS_GUEST_DR7, DR7_INIT);
	vcpu_write(VMCS_GUEST_RSP, 0);
	vcpu_write(VMCS_GUEST_RIP, boot->entry);
	vcpu_write(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED1);
	vcpu_write(VMCS_GUEST_SYSENTER_CS, 0);
	vcpu_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vcpu_write(VMCS_GUEST_SYSENTER_EIP, 0);
	vcpu_write(VMCS_GUEST_ACTIVITY_STATE, 0);
	vcpu_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vcpu_write(VMCS_GUEST_PENDING_DBG, 0);
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.gpr[GPR_RAX] = MULTIBOOT_BOOTLOADER_MAGIC;
	v->regs.gpr[GPR_RBX] = boot->info_gpa;
}

/* Documentation/arch/x86/boot.rst, "64-bit Boot Protocol": long mode with paging (Tally's
 * identity tables), CS = __BOOT_CS, DS/ES/SS = __BOOT_DS from the GDT Tally built, interrupts
 * off, RSI = the zero page. Written over the multiboot state, which sets everything else. */
static void setup_linux64_state(struct vcpu *v, const struct guest_boot *boot)
{
	for (enum vmcs_seg s = SEG_ES; s <= SEG_GS; s++)
		setup_segment(s, s == SEG_CS ? GUEST_CS : GUEST_DS, 0xffffffff, s == SEG_CS ? AR_CODE64 : AR_DATA32);
	vcpu_write(VMCS_GUEST_GDTR_BASE, boot->gdt);
	vcpu_write(VMCS_GUEST_GDTR_LIMIT, boot->gdt_limit);
	vcpu_write(VMCS_GUEST_IA32_EFER, EFER_LME);
	vcpu_set_cr4(v, CR4_PAE);
	vcpu_write(VMCS_GUEST_CR3, boot->cr3);
	vcpu_set_cr0(v, CR0_PE | CR0_ET | CR0_PG); /* with EFER.LME: LMA and the IA-32e entry control */
	vcpu_write(VMCS_GUEST_RSP, boot->stack);
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.gpr[GPR_RSI] = boot->info_gpa;
}

void guest_start_state(struct vcpu *v, const struct guest_boot *boot)
{
	setup_guest_state(v, boot);
	if (boot->kind == GUEST_ENTRY_LINUX64)
		setup_linux64_state(v, boot);
}
