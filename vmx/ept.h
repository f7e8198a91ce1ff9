/* ept.h: a guest's memory: frames Tally owns, mapped by EPT at guest-physical 0..size. */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include <stdint.h>

struct guest_memory {
	uint64_t base;  /* host-physical (identity-mapped) address of guest-physical 0 */
	uint64_t size;  /* bytes, a multiple of 4 KiB */
	uint64_t *pml4;
	uint64_t eptp;
};

/* Allocates size bytes of zeroed guest memory and the EPT that maps it write-back, RWX.
 * Returns 0, or -1 when memory runs out (m is left empty). */
int ept_create(struct guest_memory *m, uint64_t size);
void ept_destroy(struct guest_memory *m);
/* Host pointer for [gpa, gpa+len) inside guest memory, or NULL when any of it is outside. */
void *guest_ptr(const struct guest_memory *m, uint64_t gpa, uint64_t len);
/* Drops cached EPT and VPID translations (INVEPT/INVVPID all-context when the CPU has them). */
void ept_flush_all(uint64_t ept_vpid_cap);

#endif
