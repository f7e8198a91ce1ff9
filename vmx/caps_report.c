/* caps_report.c: the VT-x capability report (`vmx`; the banner at loglevel=debug): every IA32_VMX_* MSR, decoded by caps_bits.h. */
#include <stddef.h>

#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/caps.h"
#include "vmx/caps_bits.h"
#include "vmx/controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(v, n) (((v) >> (n)) & 1)
#define YES_NO(b) ((b) ? "yes" : "no")
#define UNNAMED "(not named in caps_bits.h)"
#define DEFAULT1 "(reserved, default1)" /* SDM Vol. 3D, A.2 */

struct cap_bit {
	unsigned bit;
	const char *name;
};
#define CAP_BIT(bit, name) { bit, name },
static const struct cap_bit pin_bits[] = { VMX_PIN_CONTROL_BITS(CAP_BIT) };
static const struct cap_bit proc_bits[] = { VMX_PROC_CONTROL_BITS(CAP_BIT) };
static const struct cap_bit proc2_bits[] = { VMX_PROC2_CONTROL_BITS(CAP_BIT) };
static const struct cap_bit proc3_bits[] = { VMX_PROC3_CONTROL_BITS(CAP_BIT) };
static const struct cap_bit exit_bits[] = { VMX_EXIT_CONTROL_BITS(CAP_BIT) };
static const struct cap_bit entry_bits[] = { VMX_ENTRY_CONTROL_BITS(CAP_BIT) };
static const struct cap_bit vmfunc_bits[] = { VMX_VMFUNC_BITS(CAP_BIT) };
static const struct cap_bit ept_vpid_bits[] = { VMX_EPT_VPID_BITS(CAP_BIT) };
static const struct cap_bit cr0_bits[] = { CR0_BITS(CAP_BIT) };
static const struct cap_bit cr4_bits[] = { CR4_BITS(CAP_BIT) };
#undef CAP_BIT

enum cap_format { CAPF_FLAG, CAPF_DEC, CAPF_HEX, CAPF_MEMTYPE, CAPF_POW2, CAPF_MSR_LIST };
struct cap_field {
	unsigned first, width;
	const char *name;
	enum cap_format format;
};
#define CAP_FIELD(first, width, name, format) { first, width, name, format },
static const struct cap_field basic_fields[] = { VMX_BASIC_FIELDS(CAP_FIELD) };
static const struct cap_field misc_fields[] = { VMX_MISC_FIELDS(CAP_FIELD) };
static const struct cap_field vmcs_enum_fields[] = { VMX_VMCS_ENUM_FIELDS(CAP_FIELD) };
static const struct cap_field ept_vpid_fields[] = { VMX_EPT_VPID_FIELDS(CAP_FIELD) };
#undef CAP_FIELD

/* A control MSR and, when IA32_VMX_BASIC bit 55 is 1, its TRUE_ twin (SDM Vol. 3D, A.3-A.5);
 * used is the offset of its field in struct vmx_controls. */
struct ctl_msr {
	const char *title, *name, *true_name;
	uint32_t msr, true_msr;
	const struct cap_bit *bits;
	size_t count, used;
};
#define CTL(title, msr, true_msr, bits, field) \
	{ title, #msr, #true_msr, MSR_##msr, MSR_##true_msr, bits, COUNT(bits), offsetof(struct vmx_controls, field) }
#define MSR_NONE 0
static const struct ctl_msr ctl_msrs[] = {
	CTL("Pin-based VM-execution controls (SDM Vol. 3C, 25.6.1; Vol. 3D, A.3.1)", IA32_VMX_PINBASED_CTLS,
	    IA32_VMX_TRUE_PINBASED_CTLS, pin_bits, pin),
	CTL("Primary processor-based VM-execution controls (SDM Vol. 3C, 25.6.2; Vol. 3D, A.3.2)",
	    IA32_VMX_PROCBASED_CTLS, IA32_VMX_TRUE_PROCBASED_CTLS, proc_bits, proc),
	CTL("Secondary processor-based VM-execution controls (SDM Vol. 3C, 25.6.2; Vol. 3D, A.3.3)",
	    IA32_VMX_PROCBASED_CTLS2, NONE, proc2_bits, proc2),
	CTL("Primary VM-exit controls (SDM Vol. 3C, 25.7.1; Vol. 3D, A.4.1)", IA32_VMX_EXIT_CTLS,
	    IA32_VMX_TRUE_EXIT_CTLS, exit_bits, exit),
	CTL("VM-entry controls (SDM Vol. 3C, 25.8.1; Vol. 3D, A.5)", IA32_VMX_ENTRY_CTLS,
	    IA32_VMX_TRUE_ENTRY_CTLS, entry_bits, entry),
};
#undef CTL

static const char *bit_name(const struct cap_bit *t, size_t n, unsigned bit)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].bit == bit)
			return t[i].name;
	return NULL;
}

static void print_field(const struct cap_field *f, uint64_t msr)
{
	uint64_t v = (msr >> f->first) & (f->width == 64 ? ~0ull : (1ull << f->width) - 1);
	kprintf("  %-66s ", f->name);
	switch (f->format) {
	case CAPF_FLAG: kprintf("%s\n", YES_NO(v)); break;
	case CAPF_DEC: kprintf("%llu\n", (unsigned long long)v); break;
	case CAPF_HEX: kprintf("0x%llx\n", (unsigned long long)v); break;
	/* SDM Vol. 3D, A.1: 0 = uncacheable, 6 = write-back; every other value is reserved. */
	case CAPF_MEMTYPE: kprintf("%s (%llu)\n", v == 6 ? "write-back" : v == 0 ? "uncacheable" : "reserved",
				   (unsigned long long)v); break;
	case CAPF_POW2: kprintf("%llu (2^%llu)\n", 1ull << v, (unsigned long long)v); break;
	case CAPF_MSR_LIST: kprintf("%llu\n", (unsigned long long)(512 * (v + 1))); break;
	}
}

static void print_fields(const char *title, const char *name, uint32_t msr, const struct cap_field *f, size_t n)
{
	uint64_t v = rdmsr(msr);
	kprintf("%s (0x%x) = 0x%016llx: %s\n", name, (unsigned)msr, (unsigned long long)v, title);
	for (size_t i = 0; i < n; i++)
		print_field(&f[i], v);
}

#define CTL_ROW "  %3u  %-40s %-11s %-9s %s\n"

static void print_ctl_header(void)
{
	kprintf("  bit  %-40s %-11s %-9s %s\n", "control", "may be 0", "may be 1", "Tally");
}

/* One row per control the table names, and per other bit the CPU sets in either half. "may be 0"
 * says "TRUE_ only" for a default1 control that only the TRUE_ MSR lets be 0 (SDM Vol. 3D, A.2). */
static void print_ctl_msr(const struct ctl_msr *m, bool true_ctls, uint32_t used, uint32_t toggled)
{
	uint64_t v = rdmsr(m->msr);
	uint64_t tv = true_ctls && m->true_msr ? rdmsr(m->true_msr) : v;
	kprintf("%s\n  %s (0x%x) = 0x%016llx", m->title, m->name, (unsigned)m->msr, (unsigned long long)v);
	if (true_ctls && m->true_msr)
		kprintf(", %s (0x%x) = 0x%016llx", m->true_name, (unsigned)m->true_msr, (unsigned long long)tv);
	kprintf("\n");
	print_ctl_header();
	for (unsigned b = 0; b < 32; b++) {
		const char *name = bit_name(m->bits, m->count, b);
		bool must1 = BIT(v, b), true_must1 = BIT(tv, b), may1 = BIT(v, 32 + b);
		if (!name && !must1 && !may1)
			continue;
		const char *may0 = true_must1 ? "no" : must1 ? "TRUE_ only" : "yes";
		const char *tally = BIT(used, b) ? "uses" : BIT(toggled, b) ? "at times" : "-";
		kprintf(CTL_ROW, b, name ? name : must1 ? DEFAULT1 : UNNAMED, may0, YES_NO(may1), tally);
	}
}

/* A 64-bit MSR of allowed-1 bits only (tertiary controls, secondary exit controls, VM functions):
 * each may be 0; Tally enables none of them. */
static void print_allowed1_msr(const char *title, const char *name, uint32_t msr, const struct cap_bit *t,
			       size_t n)
{
	uint64_t v = rdmsr(msr);
	kprintf("%s\n  %s (0x%x) = 0x%016llx\n", title, name, (unsigned)msr, (unsigned long long)v);
	print_ctl_header();
	for (unsigned b = 0; b < 64; b++) {
		const char *bn = bit_name(t, n, b);
		if (bn || BIT(v, b))
			kprintf(CTL_ROW, b, bn ? bn : UNNAMED, "yes", YES_NO(BIT(v, b)), "-");
	}
}

/* The bits of mask by name, unnamed runs as "bit N" or "bits HI:LO"; "none" for an empty mask. */
static void print_cr_bits(const char *what, uint64_t mask, const struct cap_bit *t, size_t n)
{
	kprintf("  %-66s", what);
	if (!mask)
		kprintf(" none");
	for (unsigned b = 0; b < 64; b++) {
		if (!BIT(mask, b))
			continue;
		const char *name = bit_name(t, n, b);
		if (name) {
			kprintf(" %s", name);
			continue;
		}
		unsigned hi = b;
		while (hi + 1 < 64 && BIT(mask, hi + 1) && !bit_name(t, n, hi + 1))
			hi++;
		if (hi == b)
			kprintf(" bit %u", b);
		else
			kprintf(" bits %u:%u", hi, b);
		b = hi;
	}
	kprintf("\n");
}

/* SDM Vol. 3D, A.7 and A.8: a bit set in FIXED0 must be 1, a bit clear in FIXED1 must be 0. */
static void print_cr_fixed(const char *cr, uint32_t msr0, const struct cap_bit *t, size_t n, const char *section)
{
	uint64_t f0 = rdmsr(msr0), f1 = rdmsr(msr0 + 1);
	kprintf("IA32_VMX_%s_FIXED0 (0x%x) = 0x%016llx, IA32_VMX_%s_FIXED1 (0x%x) = 0x%016llx: %s in VMX operation "
		"(SDM Vol. 3D, %s)\n", cr, (unsigned)msr0, (unsigned long long)f0, cr, (unsigned)msr0 + 1,
		(unsigned long long)f1, cr, section);
	print_cr_bits("must be 1:", f0, t, n);
	print_cr_bits("must be 0:", ~f1, t, n);
}

/* SDM Vol. 3D, A.10: which EPT and VPID features the CPU offers; Tally needs EPT_CAPS_NEEDED and
 * uses EPT_CAPS_USED when offered (vmx/ept.c). */
static void print_ept_vpid(void)
{
	uint64_t v = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	kprintf("IA32_VMX_EPT_VPID_CAP (0x%x) = 0x%016llx: EPT and VPID (SDM Vol. 3D, A.10)\n",
		(unsigned)MSR_IA32_VMX_EPT_VPID_CAP, (unsigned long long)v);
	kprintf("  bit  %-52s %-9s %s\n", "capability", "offered", "Tally");
	uint64_t fields = 0;
	for (size_t i = 0; i < COUNT(ept_vpid_fields); i++)
		fields |= ((1ull << ept_vpid_fields[i].width) - 1) << ept_vpid_fields[i].first;
	for (unsigned b = 0; b < 64; b++) {
		const char *name = bit_name(ept_vpid_bits, COUNT(ept_vpid_bits), b);
		if (BIT(fields, b) || (!name && !BIT(v, b)))
			continue;
		const char *tally = BIT(EPT_CAPS_NEEDED, b) ? "needs" : BIT(EPT_CAPS_USED, b) ? "uses" : "-";
		kprintf("  %3u  %-52s %-9s %s\n", b, name ? name : UNNAMED, YES_NO(BIT(v, b)), tally);
	}
	for (size_t i = 0; i < COUNT(ept_vpid_fields); i++)
		print_field(&ept_vpid_fields[i], v);
}

static void print_controls(bool true_ctls, uint64_t proc, uint64_t exit)
{
	struct vmx_controls used, toggled = { 0 };
	vmx_controls_programmed(&used);
#define TOGGLED(control, bit, where) toggled.control |= (bit);
	VMX_TOGGLED_CONTROLS(TOGGLED)
#undef TOGGLED
	for (size_t i = 0; i < COUNT(ctl_msrs); i++) {
		const struct ctl_msr *m = &ctl_msrs[i];
		if (m->msr == MSR_IA32_VMX_PROCBASED_CTLS2 && !(proc >> 32 & PROC_ACTIVATE_SECONDARY)) {
			kprintf("%s: not offered (primary control 31 may not be 1)\n", m->title);
			continue;
		}
		print_ctl_msr(m, true_ctls, *(const uint32_t *)((const char *)&used + m->used),
			      *(const uint32_t *)((const char *)&toggled + m->used));
		/* SDM Vol. 3D, A.3.4 and A.4.2: these exist only when their activating control may be 1. */
		if (m->msr == MSR_IA32_VMX_PROCBASED_CTLS && BIT(proc, 32 + 17))
			print_allowed1_msr("Tertiary processor-based VM-execution controls (SDM Vol. 3C, 25.6.2; Vol. 3D, A.3.4)",
					   "IA32_VMX_PROCBASED_CTLS3", MSR_IA32_VMX_PROCBASED_CTLS3, proc3_bits,
					   COUNT(proc3_bits));
		if (m->msr == MSR_IA32_VMX_EXIT_CTLS && BIT(exit, 32 + 31))
			print_allowed1_msr("Secondary VM-exit controls (SDM Vol. 3C, 25.7.1; Vol. 3D, A.4.2)",
					   "IA32_VMX_EXIT_CTLS2", MSR_IA32_VMX_EXIT_CTLS2, NULL, 0);
	}
}

void vmx_print_capabilities(void)
{
	struct vmx_caps c;
	vmx_caps_probe(&c);
	if (!c.cpu_has_vmx) {
		kprintf("vmx: no capability MSRs to read: %s\n", c.why_not);
		return;
	}
	kprintf("VT-x capability report (Intel SDM Vol. 3D, Appendix A; Tally: what vmx/controls.c programs)\n");
	kprintf("IA32_FEATURE_CONTROL (0x%x): lock %s, VMXON outside SMX %s; VT-x %s\n",
		(unsigned)MSR_IA32_FEATURE_CONTROL, YES_NO(c.feature_control_locked), YES_NO(c.feature_control_vmxon),
		c.usable ? "usable by Tally" : c.why_not);
	print_fields("basic VMX information (SDM Vol. 3D, A.1)", "IA32_VMX_BASIC", MSR_IA32_VMX_BASIC, basic_fields,
		     COUNT(basic_fields));
	bool true_ctls = c.basic & VMX_BASIC_TRUE_CTLS;
	uint64_t proc = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	uint64_t proc2 = proc >> 32 & PROC_ACTIVATE_SECONDARY ? rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) : 0;
	uint64_t exit = rdmsr(MSR_IA32_VMX_EXIT_CTLS);
	print_controls(true_ctls, proc, exit);
	print_fields("miscellaneous data (SDM Vol. 3D, A.6)", "IA32_VMX_MISC", MSR_IA32_VMX_MISC, misc_fields,
		     COUNT(misc_fields));
	print_cr_fixed("CR0", MSR_IA32_VMX_CR0_FIXED0, cr0_bits, COUNT(cr0_bits), "A.7");
	print_cr_fixed("CR4", MSR_IA32_VMX_CR4_FIXED0, cr4_bits, COUNT(cr4_bits), "A.8");
	print_fields("VMCS enumeration (SDM Vol. 3D, A.9)", "IA32_VMX_VMCS_ENUM", MSR_IA32_VMX_VMCS_ENUM,
		     vmcs_enum_fields, COUNT(vmcs_enum_fields));
	/* SDM Vol. 3D, A.10 and A.11: these exist only when their secondary controls may be 1. */
	if (proc2 >> 32 & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
		print_ept_vpid();
	else
		kprintf("IA32_VMX_EPT_VPID_CAP: not offered (neither Enable EPT nor Enable VPID may be 1)\n");
	if (BIT(proc2, 32 + 13))
		print_allowed1_msr("VM functions (SDM Vol. 3C, 26.5.6; Vol. 3D, A.11)", "IA32_VMX_VMFUNC",
				   MSR_IA32_VMX_VMFUNC, vmfunc_bits, COUNT(vmfunc_bits));
	else
		kprintf("IA32_VMX_VMFUNC: not offered (Enable VM functions may not be 1)\n");
}
