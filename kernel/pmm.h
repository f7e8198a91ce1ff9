/* pmm.h: start-up of the frame allocator and heap (their API is kernel/mm.h). */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <stdbool.h>

/* Needs boot_info parsed; also extends the identity map to all RAM. */
void pmm_init(void);

#endif
