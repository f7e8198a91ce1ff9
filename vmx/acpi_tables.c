/* acpi_tables.c: the ACPI tables every guest finds in its BIOS area: RSDP, RSDT, XSDT, FADT (PM timer, reset register), FACS, MADT, DSDT. */
#include <string.h>

#include "kernel/arch/acpi.h"
#include "kernel/console.h"
#include "vmx/acpi_tables.h"
#include "vmx/dev_lapic.h"
#include "vmx/vcpu.h"

/* Where each table goes, from ACPI_TABLES_GPA (the FACS 64-byte aligned, ACPI 6.4, 5.2.10). */
#define OFF_RSDP (ACPI_RSDP_GPA - ACPI_TABLES_GPA)
#define OFF_RSDT 0x040u
#define OFF_XSDT 0x080u
#define OFF_FADT 0x100u
#define OFF_FACS 0x240u
#define OFF_MADT 0x280u
#define OFF_DSDT 0x300u
#define RSDT_ENTRIES 2 /* FADT, MADT */
#define FACS_LENGTH 64u
#define FADT_REVISION 6
#define FADT_MINOR 4
/* 5.2.9, Table 5.9: a C2/C3 latency above 100/1000 us says the state is not supported. */
#define NO_C2_LATENCY 101
#define NO_C3_LATENCY 1001
/* Intel ICH/PCH "Reset Control Register": 0x06 = full reset (CPU reset with SYS_RST). */
#define RESET_PORT 0xcf9u
#define RESET_VALUE 0x06u

/* The DSDT's AML (ACPI 6.4, 20.2): Name (_S5, Package (4) { 5, 5, 0, 0 }), which lets an OS
 * power the guest off through PM1a control. NameOp '_S5_' PackageOp PkgLength NumElements
 * BytePrefix 5 BytePrefix 5 ZeroOp ZeroOp. */
static const uint8_t dsdt_aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, ACPI_S5_SLP_TYP,
				    0x0a, ACPI_S5_SLP_TYP, 0x00, 0x00 };

struct madt_image {
	struct acpi_madt madt;
	struct acpi_madt_local_apic cpu;
	struct acpi_madt_local_apic_nmi nmi;
} __attribute__((packed));

static void header(struct acpi_header *h, const char *sig, uint32_t length, uint8_t revision)
{
	memcpy(h->signature, sig, 4);
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, "TALLY ", 6);
	memcpy(h->oem_table_id, "TALLYVM ", 8);
	h->oem_revision = 1;
	memcpy(&h->creator_id, "TLLY", 4);
	h->creator_revision = 1;
}

static void seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_sum(h, h->length);
}

static void build_fadt(struct acpi_fadt *f)
{
	header(&f->header, "FACP", sizeof(*f), FADT_REVISION);
	f->firmware_ctrl = ACPI_TABLES_GPA + OFF_FACS;
	f->dsdt = ACPI_TABLES_GPA + OFF_DSDT;
	f->x_dsdt = ACPI_TABLES_GPA + OFF_DSDT;
	f->sci_int = ACPI_SCI_IRQ;
	f->smi_cmd = 0; /* no SMI command port: the platform is always in ACPI mode (SCI_EN set) */
	f->pm1a_evt_blk = ACPI_PM1A_EVT_PORT;
	f->pm1a_cnt_blk = ACPI_PM1A_CNT_PORT;
	f->pm_tmr_blk = ACPI_PM_TMR_PORT;
	f->pm1_evt_len = 4;
	f->pm1_cnt_len = 2;
	f->pm_tmr_len = 4;
	f->p_lvl2_lat = NO_C2_LATENCY;
	f->p_lvl3_lat = NO_C3_LATENCY;
	f->century = 0x32; /* the RTC's century byte (CMOS 0x32) */
	f->iapc_boot_arch = ACPI_IAPC_LEGACY_DEVICES;
	f->flags = ACPI_FADT_WBINVD | ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON | ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = (struct acpi_gas){ ACPI_SPACE_IO, 8, 0, 1, RESET_PORT };
	f->reset_value = RESET_VALUE;
	f->fadt_minor_version = FADT_MINOR;
	seal(&f->header);
}

static void build_madt(struct madt_image *t)
{
	header(&t->madt.header, "APIC", sizeof(*t), 5);
	t->madt.local_apic_address = (uint32_t)APIC_DEFAULT_BASE;
	t->madt.flags = ACPI_MADT_PCAT_COMPAT; /* no I/O APIC: the 8259s, through LINT0 */
	t->cpu = (struct acpi_madt_local_apic){ ACPI_MADT_LOCAL_APIC, sizeof(t->cpu), 0, 0, 1 };
	t->nmi = (struct acpi_madt_local_apic_nmi){ ACPI_MADT_LOCAL_APIC_NMI, sizeof(t->nmi), 0xff, 0, 1 };
	seal(&t->madt.header);
}

int acpi_tables_build(struct guest_memory *m)
{
	uint8_t *base = guest_ptr(m, ACPI_TABLES_GPA, ACPI_TABLES_SIZE);
	if (!base)
		return -1;
	memset(base, 0, ACPI_TABLES_SIZE);
	const uint32_t fadt = ACPI_TABLES_GPA + OFF_FADT, madt = ACPI_TABLES_GPA + OFF_MADT;

	struct acpi_header *rsdt = (void *)(base + OFF_RSDT);
	header(rsdt, "RSDT", sizeof(*rsdt) + RSDT_ENTRIES * 4, 1);
	uint32_t rsdt_entries[RSDT_ENTRIES] = { fadt, madt };
	memcpy(rsdt + 1, rsdt_entries, sizeof(rsdt_entries));
	seal(rsdt);

	struct acpi_header *xsdt = (void *)(base + OFF_XSDT);
	header(xsdt, "XSDT", sizeof(*xsdt) + RSDT_ENTRIES * 8, 1);
	uint64_t xsdt_entries[RSDT_ENTRIES] = { fadt, madt };
	memcpy(xsdt + 1, xsdt_entries, sizeof(xsdt_entries));
	seal(xsdt);

	build_fadt((void *)(base + OFF_FADT));
	memcpy(base + OFF_FACS, "FACS", 4); /* 5.2.10: no checksum; version 0, no waking vector */
	*(uint32_t *)(base + OFF_FACS + 4) = FACS_LENGTH;
	build_madt((void *)(base + OFF_MADT));

	struct acpi_header *dsdt = (void *)(base + OFF_DSDT);
	header(dsdt, "DSDT", sizeof(*dsdt) + sizeof(dsdt_aml), 2);
	memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
	seal(dsdt);

	struct acpi_rsdp *rsdp = (void *)(base + OFF_RSDP);
	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "TALLY ", 6);
	rsdp->revision = 2;
	rsdp->rsdt = ACPI_TABLES_GPA + OFF_RSDT;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = ACPI_TABLES_GPA + OFF_XSDT;
	rsdp->checksum = (uint8_t)-acpi_sum(rsdp, ACPI_RSDP_V1_LEN);
	rsdp->extended_checksum = (uint8_t)-acpi_sum(rsdp, sizeof(*rsdp));
	return 0;
}

void acpi_tables_give(struct vcpu *v)
{
	if (acpi_tables_build(&v->mem) < 0)
		kprintf("guest %s: no ACPI tables: its memory ends below 0x%x\n", v->name, ACPI_TABLES_GPA + ACPI_TABLES_SIZE);
}

_Static_assert(OFF_FADT + sizeof(struct acpi_fadt) <= OFF_FACS, "FADT overlaps the FACS");
_Static_assert(OFF_MADT + sizeof(struct madt_image) <= OFF_DSDT, "MADT overlaps the DSDT");
_Static_assert(OFF_DSDT + sizeof(struct acpi_header) + sizeof(dsdt_aml) <= ACPI_TABLES_SIZE, "DSDT beyond the area");
