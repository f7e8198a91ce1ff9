/* main.c: the CPU-fidelity test guest: control registers, EFER and MSR writes a CPU refuses raise
 * #GP (never a failed VM entry), PAE paging through the PDPTEs, RF in a fault's EFLAGS, the
 * single-step trap after MOV SS and an emulated instruction, DR7 and a data breakpoint across
 * exits, CPUID hiding what raises #UD; "mode=taskswitch" ends in a task switch instead. */
#include "guest.h"

/* Intel SDM Vol. 3A, 2.5 (control registers) and Vol. 4 (MSRs). */
#define CR0_PE (1u << 0)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR0_UNDEFINED_6_11 0xfc0u
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_VMXE (1u << 13)
#define CR4_PCIDE (1u << 17)
#define MSR_EFER 0xc0000080u
#define EFER_LME (1u << 8)
#define MSR_PAT 0x277u
#define MSR_FS_BASE 0xc0000100u
#define MSR_SYSENTER_EIP 0x176u
#define EFLAGS_RF (1u << 16)
#define EFLAGS_TF (1u << 8)
#define VEC_DB 1
#define VEC_UD 6
#define VEC_GP 13
#define NON_CANONICAL 0x0000800000000000ull
/* Page-table entry bits (SDM Vol. 3A, 4.3, 4.4). */
#define PTE_P 0x1u
#define PTE_RW 0x2u
#define PTE_PS 0x80u
#define MIB4 (4u << 20)
#define MIB2 (2u << 20)
#define ALIAS_BASE 0x40000000u /* PDPTE 1 maps linear 1-2 GiB onto physical 0-1 GiB */

static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint64_t pae_pd[512] __attribute__((aligned(4096)));
static uint64_t pdpt[4] __attribute__((aligned(32)));
static volatile uint32_t marker = 0x5a17c0de;
static volatile uint32_t watched;

static bool gp(int vector) { return vector == VEC_GP; }

static void control_registers(void)
{
	uint32_t cr0 = read_cr0();
	check(try_write_cr0(cr0 | CR0_UNDEFINED_6_11) < 0 && !(read_cr0() & CR0_UNDEFINED_6_11),
	      "CR0 bits 6-11 are not kept (they read as 0, no fault)");
	check(gp(try_write_cr0((cr0 | CR0_NW) & ~CR0_CD)), "CR0.NW without CD: #GP");
	check(gp(try_write_cr0((cr0 | CR0_PG) & ~CR0_PE)), "CR0.PG without PE: #GP");
	check(read_cr0() == cr0, "CR0 unchanged by the refused writes");
	check(gp(try_write_cr4(read_cr4() | CR4_PCIDE)), "CR4.PCIDE outside IA-32e mode: #GP");
	check(gp(try_write_cr4(read_cr4() | CR4_VMXE)), "CR4.VMXE: #GP (VT-x is hidden)");
}

static void msrs(void)
{
	uint64_t pat;
	check(try_rdmsr(MSR_PAT, &pat) < 0, "PAT reads");
	check(gp(try_wrmsr(MSR_PAT, (pat & ~0xffull) | 0x02)), "PAT with the reserved type 2: #GP");
	check(last_fault_eflags() & EFLAGS_RF, "the #GP's EFLAGS image has RF set (a fault)");
	uint64_t again;
	check(try_wrmsr(MSR_PAT, 0x0007010600070106ull) < 0 && try_rdmsr(MSR_PAT, &again) < 0 &&
		      again == 0x0007010600070106ull,
	      "a valid PAT is written and read back");
	try_wrmsr(MSR_PAT, pat);
	check(gp(try_wrmsr(MSR_FS_BASE, NON_CANONICAL)), "a non-canonical FS base: #GP");
	check(gp(try_wrmsr(MSR_SYSENTER_EIP, NON_CANONICAL)), "a non-canonical SYSENTER_EIP: #GP");
	uint64_t efer;
	check(try_rdmsr(MSR_EFER, &efer) < 0 && try_wrmsr(MSR_EFER, efer | EFER_LME) < 0,
	      "EFER.LME is set while paging is off");
	check(gp(try_write_cr0(read_cr0() | CR0_PG)), "CR0.PG with EFER.LME and no CR4.PAE: #GP");
	check(try_wrmsr(MSR_EFER, efer) < 0, "EFER.LME is cleared again");
}

/* 32-bit paging with 4 MiB pages, identity: EFER.LME may not change under it. */
static void efer_under_paging(void)
{
	for (uint32_t i = 0; i < 1024; i++)
		pd32[i] = (i * MIB4) | PTE_P | PTE_RW | PTE_PS;
	uint64_t efer;
	try_rdmsr(MSR_EFER, &efer);
	write_cr4(read_cr4() | CR4_PSE);
	__asm__ volatile("mov %0, %%cr3" ::"r"((uint32_t)pd32) : "memory");
	write_cr0(read_cr0() | CR0_PG);
	check(read_cr0() & CR0_PG, "32-bit paging is on (4 MiB pages)");
	check(gp(try_wrmsr(MSR_EFER, efer | EFER_LME)), "EFER.LME changed with paging on: #GP");
	write_cr0(read_cr0() & ~CR0_PG);
	write_cr4(read_cr4() & ~CR4_PSE);
}

/* PAE paging: the guest runs on the PDPTEs Tally loaded at its MOV to CR0 (EPT takes them from
 * the VMCS); linear ALIAS_BASE + x reaches physical x through PDPTE 1. */
static void pae(void)
{
	for (uint32_t i = 0; i < 512; i++)
		pae_pd[i] = (uint64_t)(i * MIB2) | PTE_P | PTE_RW | PTE_PS;
	pdpt[0] = (uint32_t)pae_pd | PTE_P;
	pdpt[1] = (uint32_t)pae_pd | PTE_P;
	pdpt[2] = pdpt[3] = 0;
	__asm__ volatile("mov %0, %%cr3" ::"r"((uint32_t)pdpt) : "memory");
	write_cr4(read_cr4() | CR4_PAE);
	write_cr0(read_cr0() | CR0_PG);
	uint32_t through_alias = *(volatile uint32_t *)(ALIAS_BASE + (uint32_t)&marker);
	check(through_alias == marker, "PAE paging runs: a word read through PDPTE 1's alias (0x%x)", through_alias);
	pdpt[2] = PTE_P | 0x2; /* bit 1 of a present PDPTE is reserved */
	check(gp(try_write_cr3((uint32_t)pdpt)), "MOV to CR3 with a reserved PDPTE bit under PAE: #GP");
	write_cr0(read_cr0() & ~CR0_PG);
	check(gp(try_write_cr0(read_cr0() | CR0_PG)), "CR0.PG on with a reserved PDPTE bit: #GP");
	pdpt[2] = 0;
	write_cr4(read_cr4() & ~CR4_PAE);
}

/* Single-step trap EIPs, recorded by the #DB handler; stepping stops at step_end. */
static volatile uint32_t db_eip[4];
static volatile int db_count;
extern const char step_b[], step_c[], step_d[];
void db_handler(uint32_t *frame) /* frame: EIP, CS, EFLAGS */
{
	if (db_count < 4)
		db_eip[db_count++] = frame[0];
	if (frame[0] == (uint32_t)step_c || frame[0] == (uint32_t)step_d || db_count >= 4)
		frame[2] &= ~EFLAGS_TF;
}
__asm__(".globl db_stub\ndb_stub:\n\tpushal\n\tlea 32(%esp), %eax\n\tpushl %eax\n\tcall db_handler\n\t"
	"addl $4, %esp\n\tpopal\n\tiret\n");
void db_stub(void);

static void single_step(void)
{
	idt_set_gate(VEC_DB, db_stub);
	__asm__ volatile("xorl %%eax, %%eax\n\t"
			 "pushfl\n\torl %0, (%%esp)\n\tpopfl\n\t"
			 "mov %%ss, %%bx\n"
			 ".globl step_b\nstep_b:\n\tmov %%bx, %%ss\n\t"
			 "cpuid\n"
			 ".globl step_c\nstep_c:\n\tnop\n"
			 ".globl step_d\nstep_d:\n\tnop\n"
			 ::"i"(EFLAGS_TF) : "eax", "ebx", "ecx", "edx", "memory");
	extern const uint32_t exc_stubs[];
	idt_set_gate(VEC_DB, (void (*)(void))exc_stubs[VEC_DB]); /* #DB back to the runtime's handler */
	check(db_count == 2 && db_eip[0] == (uint32_t)step_b && db_eip[1] == (uint32_t)step_c,
	      "single-step: traps after MOV SS's predecessor and after the emulated CPUID (%d traps: 0x%x 0x%x; "
	      "expected 0x%x 0x%x)",
	      db_count, db_eip[0], db_eip[1], (uint32_t)step_b, (uint32_t)step_c);
}

/* DR7 and DR0 survive exits; a write watchpoint fires (SDM Vol. 3A, 18.2). */
static void debug_registers(void)
{
	uint32_t dr7 = 0x000d0001u; /* L0, R/W0 = 01 (writes), LEN0 = 11 (4 bytes) */
	__asm__ volatile("mov %0, %%dr0\n\tmov %1, %%dr7" ::"r"((uint32_t)&watched), "r"(dr7));
	cpuid2(0, 0); /* an exit between setting and using them */
	uint32_t got;
	__asm__ volatile("mov %%dr7, %0" : "=r"(got));
	check((got & 0xffff00ffu) == dr7, "DR7 keeps its value across an exit (0x%x)", got);
	int vector = try_store32(&watched, 1); /* the watchpoint's #DB is a trap after the store */
	uint32_t dr6;
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%dr7" ::"r"(0u));
	check(vector == VEC_DB && watched == 1, "the store to the watched word completes and traps (#%d)", vector);
	check(dr6 & 1, "DR6.B0 names the watchpoint on DR0 (DR6 0x%x)", dr6);
}

static void cpuid_hides(void)
{
	check(!(cpuid2(0x80000001u, 0).edx & (1u << 27)), "CPUID hides RDTSCP");
	check(try_rdtscp() == VEC_UD, "RDTSCP raises #UD, as CPUID says");
	check(!(cpuid2(7, 0).ebx & (1u << 10)), "CPUID hides INVPCID");
	check(!(cpuid2(1, 0).ecx & (1u << 5)), "CPUID hides VMX");
}

/* A JMP to a TSS: Tally stops the guest and names the switch (it does not emulate them). */
static void task_switch(void)
{
	static uint64_t gdt[4];
	static uint8_t tss[104];
	uint32_t base = (uint32_t)tss;
	gdt[1] = 0x00cf9a000000ffffull;
	gdt[2] = 0x00cf92000000ffffull;
	gdt[3] = (sizeof(tss) - 1) | ((uint64_t)(base & 0xffffff) << 16) | (0x89ull << 40) |
		 ((uint64_t)(base >> 24) << 56); /* present, available 32-bit TSS */
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} p = { sizeof(gdt) - 1, (uint32_t)gdt };
	__asm__ volatile("lgdt %0\n\tljmp $0x18, $0" ::"m"(p) : "memory");
	gprintf("FAIL: the task switch returned\n");
}

/* Tally's percentile leaf agrees with its min and max leaves for the CPUID exits so far. */
static void percentiles(void)
{
	const uint32_t cpuid_reason = 10;
	for (int i = 0; i < 20; i++)
		cpuid2(0, 0);
	struct cpuid_out p = cpuid2(0x40000005u, cpuid_reason), lo = cpuid2(0x40000003u, cpuid_reason),
			 hi = cpuid2(0x40000004u, cpuid_reason);
	uint64_t min = ((uint64_t)lo.ebx << 32) | lo.ecx, max = ((uint64_t)hi.ebx << 32) | hi.ecx;
	check(p.eax && min <= p.eax && p.eax <= p.ebx && p.ebx <= p.ecx && p.ecx <= max,
	      "CPUID's p50 %u <= p90 %u <= p99 %u lie within its min %u and max %u (leaf 0x40000005)", p.eax, p.ebx,
	      p.ecx, (uint32_t)min, (uint32_t)max);
	check(cpuid2(0x40000005u, 200).edx == 0xffffffffu, "the percentile leaf: an undefined reason answers EDX=~0");
}

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	char mode[16];
	check(magic == MULTIBOOT_MAGIC, "multiboot magic");
	if (cmdline_value(mbi, "mode", mode, sizeof(mode)) && mode[0] == 't') {
		task_switch();
		return 1;
	}
	control_registers();
	msrs();
	efer_under_paging();
	pae();
	single_step();
	debug_registers();
	cpuid_hides();
	percentiles();
	return check_summary();
}
