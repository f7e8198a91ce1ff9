/* jitmem.h: executable memory for the MIPS translator's code caches (struct mips_exec_mem). */
#ifndef KERNEL_MIPS_JITMEM_H
#define KERNEL_MIPS_JITMEM_H

#include "mips/mips.h"

/* The code caches' memory, with cache_bytes per VM; NULL when the translator is off. */
const struct mips_exec_mem *jitmem_get(size_t cache_bytes);

#endif
