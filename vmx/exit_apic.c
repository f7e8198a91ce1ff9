/* exit_apic.c: the guest's local APIC as its CPU reaches it: x2APIC MSRs, and the xAPIC page through EPT violations and a decoded MOV. */
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "vmx/exit_apic.h"
#include "vmx/guest_walk.h"
#include "vmx/mmio_decode.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

/* SDM Vol. 3C, 28.2.1, Table 28-7: EPT-violation qualification bits. */
#define EPT_QUAL_WRITE (1ull << 1)
#define EPT_QUAL_FETCH (1ull << 2)
#define EPT_QUAL_LINEAR_VALID (1ull << 7)
#define EPT_QUAL_TRANSLATED (1ull << 8) /* the access was to the linear address, not a paging structure */
/* SDM Vol. 3C, 25.4.1, Table 25-2: segment access rights. */
#define SEG_ACCESS_L (1ull << 13)
#define SEG_ACCESS_DB (1ull << 14)
#define X2APIC_ICR_MSR 0x830u

static const char *why_refused(enum lapic_access a)
{
	switch (a) {
	case LAPIC_OK: return NULL;
	case LAPIC_ABSENT: return "no such x2APIC register";
	case LAPIC_READ_ONLY: return "a read-only x2APIC register";
	case LAPIC_WRITE_ONLY: return "a write-only x2APIC register";
	case LAPIC_RESERVED_BITS: return "reserved bits set";
	}
	return "refused";
}

/* SDM Vol. 3A, 11.12.1.2: outside x2APIC mode the range raises #GP, as do reserved registers,
 * reads of write-only and writes of read-only ones, and reserved bits. */
const char *apic_x2apic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (!lapic_x2apic(&v->plat.lapic))
		return "the APIC is not in x2APIC mode";
	return why_refused(lapic_read(&v->plat.lapic, (msr - X2APIC_MSR_FIRST) << 4, rdtsc(), val));
}

const char *apic_x2apic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (!lapic_x2apic(&v->plat.lapic))
		return "the APIC is not in x2APIC mode";
	if (msr != X2APIC_ICR_MSR && (val >> 32))
		return "reserved bits set";
	return why_refused(lapic_write(&v->plat.lapic, (msr - X2APIC_MSR_FIRST) << 4, val, rdtsc()));
}

/* The code size the guest runs in: IA-32e 64-bit code, else CS.D (SDM Vol. 3A, 3.4.5). */
static enum mmio_mode code_mode(void)
{
	uint64_t cs = vmcs_read(VMCS_GUEST_ACCESS(SEG_CS));
	if (vcpu_long_mode() && (cs & SEG_ACCESS_L))
		return MMIO_MODE_64;
	if (!(vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_PE))
		return MMIO_MODE_16;
	return (cs & SEG_ACCESS_DB) ? MMIO_MODE_32 : MMIO_MODE_16;
}

/* Up to MMIO_INSN_MAX bytes of the instruction at CS:RIP; how many could be read. */
static unsigned fetch(const struct vcpu *v, enum mmio_mode mode, uint8_t *buf)
{
	uint64_t la = vmcs_read(VMCS_GUEST_RIP) + (mode == MMIO_MODE_64 ? 0 : vmcs_read(VMCS_GUEST_BASE(SEG_CS)));
	if (mode != MMIO_MODE_64)
		la = (uint32_t)la;
	unsigned n = 0;
	while (n < MMIO_INSN_MAX) {
		uint64_t gpa;
		if (!guest_linear_to_physical(v, la + n, &gpa))
			break;
		unsigned chunk = PAGE_SIZE - (unsigned)(gpa & (PAGE_SIZE - 1));
		if (chunk > MMIO_INSN_MAX - n)
			chunk = MMIO_INSN_MAX - n;
		const uint8_t *p = guest_ptr(&v->mem, gpa, chunk);
		if (!p)
			break;
		for (unsigned i = 0; i < chunk; i++)
			buf[n + i] = p[i];
		n += chunk;
	}
	return n;
}

/* SDM Vol. 3A, 11.4.1: registers are 32 bits wide on 16-byte boundaries; the rest of each
 * 16-byte slot reads 0 and ignores writes. Illegal registers are flagged in the ESR by the model. */
static void xapic_access(struct vcpu *v, unsigned offset, const struct mmio_insn *in)
{
	struct lapic *l = &v->plat.lapic;
	uint64_t now = rdtsc();
	if (in->write) {
		uint64_t val = in->has_imm ? in->imm : vcpu_gpr(v, in->reg);
		if (!(offset & 0xf))
			lapic_write(l, offset, (uint32_t)val, now);
		return;
	}
	uint64_t val = 0;
	if (!(offset & 0xf))
		lapic_read(l, offset, now, &val);
	vcpu_set_gpr(v, in->reg, (uint32_t)val); /* a 32-bit load zero-extends in 64-bit mode */
}

bool apic_mmio_exit(struct vcpu *v, uint64_t gpa, uint64_t q)
{
	struct lapic *l = &v->plat.lapic;
	uint64_t page = l->base & APIC_BASE_ADDR_MASK;
	if (!lapic_enabled(l) || lapic_x2apic(l) || gpa < page || gpa >= page + APIC_PAGE_SIZE)
		return false;
	unsigned long long rip = (unsigned long long)vmcs_read(VMCS_GUEST_RIP);
	if ((q & EPT_QUAL_FETCH) || ((q & EPT_QUAL_LINEAR_VALID) && !(q & EPT_QUAL_TRANSLATED))) {
		vcpu_stop(v, "%s the xAPIC page at guest-physical 0x%llx, RIP 0x%llx: only data accesses are emulated",
			  (q & EPT_QUAL_FETCH) ? "instruction fetch from" : "page-table walk through",
			  (unsigned long long)gpa, rip);
		return true;
	}
	uint8_t code[MMIO_INSN_MAX];
	enum mmio_mode mode = code_mode();
	unsigned n = fetch(v, mode, code);
	struct mmio_insn in;
	if (mmio_decode(code, n, mode, &in) < 0 || in.write != !!(q & EPT_QUAL_WRITE)) {
		vcpu_stop(v, "xAPIC access at 0x%llx by an instruction Tally does not emulate (bytes %02x %02x %02x %02x) at RIP 0x%llx",
			  (unsigned long long)gpa, n > 0 ? code[0] : 0, n > 1 ? code[1] : 0, n > 2 ? code[2] : 0,
			  n > 3 ? code[3] : 0, rip);
		return true;
	}
	if (in.size != 4 || (gpa & 3)) {
		vcpu_stop(v, "xAPIC access of %u bytes at 0x%llx, RIP 0x%llx: the APIC's registers are 32-bit, aligned",
			  in.size, (unsigned long long)gpa, rip);
		return true;
	}
	xapic_access(v, (unsigned)(gpa - page), &in);
	vmcs_skip_bytes(in.len);
	return true;
}
