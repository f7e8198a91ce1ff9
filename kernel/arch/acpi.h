/* acpi.h: the layouts of the ACPI tables Tally reads (the firmware's, kernel/arch) and builds (a
 * guest's, vmx/). Facts from the ACPI 6.4 specification, chapter 5.2; field names follow it. */
#ifndef KERNEL_ARCH_ACPI_H
#define KERNEL_ARCH_ACPI_H

#include <stddef.h>
#include <stdint.h>

/* 5.2.5.3: Root System Description Pointer; the first 20 bytes are ACPI 1.0's (checksum over
 * them), the rest revision 2's (extended checksum over `length` bytes). */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only), 2: ACPI 2.0+ (XSDT) */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes");
#define ACPI_RSDP_V1_LEN 20

/* 5.2.6: every System Description Table starts with this header. */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI SDT header is 36 bytes");

/* 5.2.3.2: Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id; /* ACPI_SPACE_* */
	uint8_t bit_width, bit_offset;
	uint8_t access_size; /* 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1
#define ACPI_SPACE_PCI_CONFIG 2

/* 5.2.9: Fixed ACPI Description Table ("FACP"), revision 6 layout. Older tables are shorter:
 * read a field only when header.length covers it (ACPI_FADT_HAS). */
struct acpi_fadt {
	struct acpi_header header;
	uint32_t firmware_ctrl, dsdt;
	uint8_t reserved0, preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk, pm2_cnt_blk, pm_tmr_blk;
	uint32_t gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len, gpe0_blk_len, gpe1_blk_len, gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch; /* ACPI_IAPC_* */
	uint8_t reserved1;
	uint32_t flags; /* ACPI_FADT_* */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t fadt_minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_vendor_identity;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6 is 276 bytes");
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK at 64");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK at 76");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT Flags at 112");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG at 116");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT at 140");
/* Whether FADT f (of header.length bytes) holds field `field`. */
#define ACPI_FADT_HAS(f, field) \
	((f)->header.length >= offsetof(struct acpi_fadt, field) + sizeof((f)->field))

#define ACPI_FADT_WBINVD (1u << 0)
#define ACPI_FADT_PWR_BUTTON (1u << 4) /* set: no fixed power button */
#define ACPI_FADT_SLP_BUTTON (1u << 5) /* set: no fixed sleep button */
#define ACPI_FADT_TMR_VAL_EXT (1u << 8) /* the PM timer counts 32 bits (else 24) */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_IAPC_LEGACY_DEVICES (1u << 0)
#define ACPI_IAPC_8042 (1u << 1)
#define ACPI_PM_TIMER_HZ 3579545u /* 4.8.3.3: the PM timer's fixed frequency */

/* PM1 control register (4.8.3.2.1). */
#define ACPI_PM1_SCI_EN 0x0001
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_EN (1u << 13)

/* 5.2.12: Multiple APIC Description Table ("APIC"): this header, then entries. */
struct acpi_madt {
	struct acpi_header header;
	uint32_t local_apic_address;
	uint32_t flags; /* ACPI_MADT_PCAT_COMPAT */
} __attribute__((packed));
#define ACPI_MADT_PCAT_COMPAT 1u /* dual 8259s present too */

/* Each MADT entry starts with type and length. */
enum acpi_madt_type {
	ACPI_MADT_LOCAL_APIC = 0,
	ACPI_MADT_IO_APIC = 1,
	ACPI_MADT_INT_OVERRIDE = 2,
	ACPI_MADT_LOCAL_APIC_NMI = 4,
	ACPI_MADT_LOCAL_X2APIC = 9,
};

struct acpi_madt_local_apic {
	uint8_t type, length; /* 0, 8 */
	uint8_t processor_uid, apic_id;
	uint32_t flags; /* bit 0: enabled */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "MADT local APIC entry is 8 bytes");

struct acpi_madt_io_apic {
	uint8_t type, length; /* 1, 12 */
	uint8_t io_apic_id, reserved;
	uint32_t address, gsi_base;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_io_apic) == 12, "MADT I/O APIC entry is 12 bytes");

struct acpi_madt_int_override {
	uint8_t type, length; /* 2, 10 */
	uint8_t bus, source;  /* bus 0: ISA */
	uint32_t gsi;
	uint16_t flags; /* polarity bits 0-1, trigger mode bits 2-3 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_int_override) == 10, "MADT override entry is 10 bytes");

struct acpi_madt_local_apic_nmi {
	uint8_t type, length; /* 4, 6 */
	uint8_t processor_uid; /* 0xff: all processors */
	uint16_t flags;
	uint8_t lint; /* LINT0 or LINT1 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_local_apic_nmi) == 6, "MADT local APIC NMI entry is 6 bytes");

/* IA-PC HPET (High Precision Event Timers) Specification 1.0a, 3.2.4: the "HPET" table. */
struct acpi_hpet {
	struct acpi_header header;
	uint32_t event_timer_block_id;
	struct acpi_gas base_address; /* the HPET's register block (system memory) */
	uint8_t hpet_number;
	uint16_t min_tick;
	uint8_t page_protection;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET table is 56 bytes");

/* The byte sum of n bytes at p; a table is valid when the sum over it is 0. */
static inline uint8_t acpi_sum(const void *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += ((const uint8_t *)p)[i];
	return sum;
}

#endif
