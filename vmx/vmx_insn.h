/* vmx_insn.h: one inline function per VMX instruction, each returning its VMsucceed/VMfail status. */
#ifndef VMX_VMX_INSN_H
#define VMX_VMX_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* Intel SDM Vol. 3C, 31.2 "Conventions": VMfailInvalid sets CF, VMfailValid sets ZF (and the
 * VM-instruction error field of the current VMCS). */
enum vmx_status { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

static inline enum vmx_status vmx_status_of(bool cf, bool zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

static inline enum vmx_status vmxon(uint64_t phys)
{
	bool cf, zf;
	__asm__ volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(phys) : "memory");
	return vmx_status_of(cf, zf);
}

static inline enum vmx_status vmxoff(void)
{
	bool cf, zf;
	__asm__ volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf)::"memory");
	return vmx_status_of(cf, zf);
}

static inline enum vmx_status vmclear(uint64_t phys)
{
	bool cf, zf;
	__asm__ volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(phys) : "memory");
	return vmx_status_of(cf, zf);
}

static inline enum vmx_status vmptrld(uint64_t phys)
{
	bool cf, zf;
	__asm__ volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(phys) : "memory");
	return vmx_status_of(cf, zf);
}

static inline enum vmx_status vmread(uint64_t field, uint64_t *val)
{
	bool cf, zf;
	__asm__ volatile("vmread %3, %0" : "=r"(*val), "=@ccc"(cf), "=@ccz"(zf) : "r"(field) : "memory");
	return vmx_status_of(cf, zf);
}

static inline enum vmx_status vmwrite(uint64_t field, uint64_t val)
{
	bool cf, zf;
	__asm__ volatile("vmwrite %3, %2" : "=@ccc"(cf), "=@ccz"(zf) : "r"(field), "rm"(val) : "memory");
	return vmx_status_of(cf, zf);
}

/* SDM Vol. 3C, 31.3 INVEPT / INVVPID: 128-bit descriptors, type in a register. */
struct invept_desc {
	uint64_t eptp, reserved;
};
struct invvpid_desc {
	uint64_t vpid, linear;
};
_Static_assert(sizeof(struct invept_desc) == 16, "INVEPT descriptor is 128 bits (SDM 3C 31.3)");
_Static_assert(sizeof(struct invvpid_desc) == 16, "INVVPID descriptor is 128 bits (SDM 3C 31.3)");

static inline enum vmx_status invept(uint64_t type, const struct invept_desc *d)
{
	bool cf, zf;
	__asm__ volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(*d), "r"(type) : "memory");
	return vmx_status_of(cf, zf);
}

static inline enum vmx_status invvpid(uint64_t type, const struct invvpid_desc *d)
{
	bool cf, zf;
	__asm__ volatile("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(*d), "r"(type) : "memory");
	return vmx_status_of(cf, zf);
}

#endif
