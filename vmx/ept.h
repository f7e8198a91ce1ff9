/* ept.h: a guest's memory: frames Tally owns, mapped by EPT at guest-physical 0..size. */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include <stdint.h>

struct guest_memory {
	uint64_t base;  /* host-physical (identity-mapped) address of guest-physical 0 */
	uint64_t size;  /* bytes, a multiple of 4 KiB */
	uint64_t *pml4;
	uint64_t eptp;  /* VMX: the EPT pointer */
	uint64_t ncr3;  /* SVM: the nested page tables' root (the VMCB's N_CR3) */
};

/* The same guest-physical layout in the table format of either backend. */
enum gmem_tables { GMEM_EPT, GMEM_NPT };

/* Allocates size bytes of zeroed guest memory and the EPT (or, for SVM, the nested page tables)
 * that map it write-back, RWX. Returns 0, or -1 when memory runs out (m is left empty). */
int ept_create(struct guest_memory *m, uint64_t size, enum gmem_tables kind);
void ept_destroy(struct guest_memory *m);
/* Host pointer for [gpa, gpa+len) inside guest memory, or NULL when any of it is outside. */
void *guest_ptr(const struct guest_memory *m, uint64_t gpa, uint64_t len);
/* Drops cached EPT and VPID translations (INVEPT/INVVPID all-context when the CPU has them). */
void ept_flush_all(uint64_t ept_vpid_cap);

#endif
