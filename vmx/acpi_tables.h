/* acpi_tables.h: the ACPI tables every guest finds in its BIOS area (RSDP, RSDT, XSDT, FADT, FACS, MADT, DSDT). */
#ifndef VMX_ACPI_TABLES_H
#define VMX_ACPI_TABLES_H

#include "vmx/ept.h"

/* The guest's ACPI PM registers (the FADT's blocks; vmx/dev_acpi_pm.c answers them). */
#define ACPI_PM1A_EVT_PORT 0x600u /* status (2 bytes), enable (2 bytes) */
#define ACPI_PM1A_CNT_PORT 0x604u /* control (2 bytes) */
#define ACPI_PM_TMR_PORT 0x608u   /* the 24-bit PM timer (4 bytes) */
#define ACPI_SCI_IRQ 9u
/* The sleep type of S5 (soft off) in the DSDT's \_S5 package: PM1a control SLP_TYP. */
#define ACPI_S5_SLP_TYP 5u
/* The RSDP's place: the BIOS ROM area (ACPI 6.4, 5.2.5.1: 0xE0000-0xFFFFF, 16-byte aligned),
 * reserved in both the multiboot and the e820 memory map; the other tables follow it. */
#define ACPI_TABLES_GPA 0xf0000u
#define ACPI_TABLES_SIZE 0x400u
#define ACPI_RSDP_GPA ACPI_TABLES_GPA	/* the RSDP comes first (boot_params.acpi_rsdp_addr for Linux) */

struct vcpu;

/* Writes the tables into guest memory m at ACPI_TABLES_GPA; -1 when m does not reach that far. */
int acpi_tables_build(struct guest_memory *m);
/* The same into v's memory, before its kernel is loaded; a line says so when it has none. */
void acpi_tables_give(struct vcpu *v);

#endif
