/* guest_walk.h: guest-linear to guest-physical addresses through the guest's own page tables. */
#ifndef VMX_GUEST_WALK_H
#define VMX_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Translates la in the current vCPU's paging mode (none, 32-bit, PAE, 4-level); false when a
 * table entry is not present or a table lies outside the guest's memory. */
bool guest_linear_to_physical(const struct vcpu *v, uint64_t la, uint64_t *gpa);

#endif
