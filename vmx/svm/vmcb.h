/* vmcb.h: the virtual machine control block's layout and bits (AMD APM Vol. 2, Appendix B). */
#ifndef VMX_SVM_VMCB_H
#define VMX_SVM_VMCB_H

#include <stddef.h>
#include <stdint.h>

/* APM Vol. 2, Table B-1: the control area, offsets 0x000-0x3ff. */
struct vmcb_control {
	uint32_t intercept_cr;        /* 0x000: reads of CR0-15 (15:0), writes (31:16) */
	uint32_t intercept_dr;        /* 0x004 */
	uint32_t intercept_exceptions; /* 0x008: one bit per vector */
	uint32_t intercept_misc1;     /* 0x00c: SVM_INTERCEPT1_* */
	uint32_t intercept_misc2;     /* 0x010: SVM_INTERCEPT2_* */
	uint32_t intercept_misc3;     /* 0x014 */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold; /* 0x03c */
	uint16_t pause_filter_count;  /* 0x03e */
	uint64_t iopm_base_pa;        /* 0x040 */
	uint64_t msrpm_base_pa;       /* 0x048 */
	uint64_t tsc_offset;          /* 0x050 */
	uint32_t asid;                /* 0x058 */
	uint8_t tlb_control;          /* 0x05c */
	uint8_t reserved_05d[3];
	uint32_t int_ctl;             /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR, V_INTR_MASKING */
	uint32_t int_vector;          /* 0x064 */
	uint32_t int_state;           /* 0x068: bit 0, the guest is in an interrupt shadow */
	uint8_t reserved_06c[4];
	uint64_t exit_code;           /* 0x070 */
	uint64_t exit_info1;          /* 0x078 */
	uint64_t exit_info2;          /* 0x080 */
	uint64_t exit_int_info;       /* 0x088: an event whose delivery the exit cut off */
	uint64_t nested_ctl;          /* 0x090: bit 0, nested paging */
	uint64_t avic_bar;            /* 0x098 */
	uint64_t ghcb_pa;             /* 0x0a0 */
	uint64_t event_inj;           /* 0x0a8: the event VMRUN delivers */
	uint64_t nested_cr3;          /* 0x0b0 */
	uint64_t virt_ext;            /* 0x0b8 */
	uint32_t clean;               /* 0x0c0: VMCB clean bits */
	uint32_t reserved_0c4;
	uint64_t next_rip;            /* 0x0c8: with NRIP save */
	uint8_t insn_len;             /* 0x0d0: with decode assists */
	uint8_t insn_bytes[15];
	uint8_t reserved_0e0[0x400 - 0x0e0];
};

/* APM Vol. 2, Table B-2: a segment in the state-save area; attrib packs the descriptor's access
 * byte (type, S, DPL, P) in bits 7:0 and AVL, L, D/B, G in bits 11:8. */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/* APM Vol. 2, Table B-2: the state-save area, offsets from 0x400. */
struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x000-0x09f */
	uint8_t reserved_0a0[0x0cb - 0x0a0];
	uint8_t cpl;                  /* 0x0cb */
	uint32_t reserved_0cc;
	uint64_t efer;                /* 0x0d0 */
	uint8_t reserved_0d8[0x148 - 0x0d8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x148-0x17f */
	uint8_t reserved_180[0x1d8 - 0x180];
	uint64_t rsp;                 /* 0x1d8 */
	uint8_t reserved_1e0[0x1f8 - 0x1e0];
	uint64_t rax;                 /* 0x1f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base; /* 0x200-0x227 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;    /* 0x228-0x23f */
	uint64_t cr2;                 /* 0x240 */
	uint8_t reserved_248[0x268 - 0x248];
	uint64_t g_pat;               /* 0x268: the guest's PAT under nested paging */
	uint64_t dbgctl;              /* 0x270 */
	uint8_t reserved_278[0xc00 - 0x278];
};

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
};
_Static_assert(offsetof(struct vmcb_control, pause_filter_threshold) == 0x03c, "APM B-1");
_Static_assert(offsetof(struct vmcb_control, iopm_base_pa) == 0x040, "APM B-1");
_Static_assert(offsetof(struct vmcb_control, int_ctl) == 0x060, "APM B-1");
_Static_assert(offsetof(struct vmcb_control, exit_code) == 0x070, "APM B-1");
_Static_assert(offsetof(struct vmcb_control, event_inj) == 0x0a8, "APM B-1");
_Static_assert(offsetof(struct vmcb_control, next_rip) == 0x0c8, "APM B-1");
_Static_assert(offsetof(struct vmcb, save) == 0x400, "APM B-2");
_Static_assert(offsetof(struct vmcb_save, efer) == 0x0d0, "APM B-2");
_Static_assert(offsetof(struct vmcb_save, cr4) == 0x148, "APM B-2");
_Static_assert(offsetof(struct vmcb_save, rip) == 0x178, "APM B-2");
_Static_assert(offsetof(struct vmcb_save, rsp) == 0x1d8, "APM B-2");
_Static_assert(offsetof(struct vmcb_save, rax) == 0x1f8, "APM B-2");
_Static_assert(offsetof(struct vmcb_save, sysenter_cs) == 0x228, "APM B-2");
_Static_assert(offsetof(struct vmcb_save, g_pat) == 0x268, "APM B-2");
_Static_assert(sizeof(struct vmcb) == 4096, "a VMCB is one page");

/* APM Vol. 2, Table B-1, vector 3 (offset 0x00c). */
#define SVM_INTERCEPT1_INTR (1u << 0)
#define SVM_INTERCEPT1_NMI (1u << 1)
#define SVM_INTERCEPT1_VINTR (1u << 4)
#define SVM_INTERCEPT1_RDPMC (1u << 15)
#define SVM_INTERCEPT1_CPUID (1u << 18)
#define SVM_INTERCEPT1_INVD (1u << 22)
#define SVM_INTERCEPT1_HLT (1u << 24)
#define SVM_INTERCEPT1_INVLPGA (1u << 26)
#define SVM_INTERCEPT1_IOIO_PROT (1u << 27)
#define SVM_INTERCEPT1_MSR_PROT (1u << 28)
#define SVM_INTERCEPT1_TASK_SWITCH (1u << 29)
#define SVM_INTERCEPT1_SHUTDOWN (1u << 31)
/* APM Vol. 2, Table B-1, vector 4 (offset 0x010). */
#define SVM_INTERCEPT2_VMRUN (1u << 0)
#define SVM_INTERCEPT2_VMMCALL (1u << 1)
#define SVM_INTERCEPT2_VMLOAD (1u << 2)
#define SVM_INTERCEPT2_VMSAVE (1u << 3)
#define SVM_INTERCEPT2_STGI (1u << 4)
#define SVM_INTERCEPT2_CLGI (1u << 5)
#define SVM_INTERCEPT2_SKINIT (1u << 6)
#define SVM_INTERCEPT2_WBINVD (1u << 9)
#define SVM_INTERCEPT2_XSETBV (1u << 13)

/* APM Vol. 2, 15.21 and Table B-1: int_ctl. */
#define SVM_V_IRQ (1u << 8)
#define SVM_V_INTR_PRIO_SHIFT 16
#define SVM_V_IGN_TPR (1u << 20)
#define SVM_V_INTR_MASKING (1u << 24)
#define SVM_V_TPR_MASK 0xfu
#define SVM_INT_SHADOW (1u << 0)
/* APM Vol. 2, 15.16: TLB_CONTROL. */
#define SVM_TLB_FLUSH_NOTHING 0
#define SVM_TLB_FLUSH_ALL 1
/* APM Vol. 2, 15.25.3: nested paging enable. */
#define SVM_NESTED_CTL_NP (1ull << 0)
/* APM Vol. 2, 15.20, Figure 15-4: EVENTINJ (the layout of VMX's interruption information, with the
 * error code in bits 63:32); EXITINTINFO has the same layout. */
#define SVM_EVENT_ERROR_SHIFT 32

/* APM Vol. 2, 15.10.2, Figure 15-2: IOIO intercept EXITINFO1. */
#define SVM_IOIO_IN (1ull << 0)
#define SVM_IOIO_STRING (1ull << 2)
#define SVM_IOIO_REP (1ull << 3)
#define SVM_IOIO_SIZE(i) (((i) >> 4) & 7)     /* one-hot: 1, 2, 4 bytes */
#define SVM_IOIO_ADDR(i) (((i) >> 7) & 7)     /* one-hot: 16, 32, 64-bit addresses */
#define SVM_IOIO_SEG(i) (((i) >> 10) & 7)     /* the segment of OUTS, with decode assists */
#define SVM_IOIO_PORT(i) (((i) >> 16) & 0xffff)
/* APM Vol. 2, 15.25.6: nested page fault EXITINFO1, the #PF error code. */
#define SVM_NPF_WRITE (1ull << 1)
#define SVM_NPF_FETCH (1ull << 4)
#define SVM_NPF_FINAL (1ull << 32)      /* the fault was on the guest-physical address of the access */
#define SVM_NPF_TABLE_WALK (1ull << 33) /* the fault was on a guest page table the CPU walked */

/* APM Vol. 2, 15.10 and 15.11: the I/O and MSR permission maps (a set bit intercepts). */
#define SVM_IOPM_PAGES 3
#define SVM_MSRPM_PAGES 2

#endif
