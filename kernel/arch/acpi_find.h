/* acpi_find.h: the firmware's ACPI tables, found from the RSDP the boot loader handed over. */
#ifndef KERNEL_ARCH_ACPI_FIND_H
#define KERNEL_ARCH_ACPI_FIND_H

#include "kernel/arch/acpi.h"

/* The first table with signature sig (e.g. "FACP", "HPET") listed by the XSDT (ACPI 2.0+ RSDP) or
 * the RSDT, whose checksum holds and which lies in the identity-mapped first 4 GiB; NULL if none. */
const struct acpi_header *acpi_find_table(const char *sig);
/* The FADT when it is long enough to hold the ACPI 1.0 fields (up to PM1b_CNT_BLK); else NULL. */
const struct acpi_fadt *acpi_fadt(void);
/* The table at physical address addr when its length and checksum hold; else NULL. */
const struct acpi_header *acpi_table_at(uint64_t addr);

#endif
