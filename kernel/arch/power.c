/* power.c: the orderly end: flush the console, then the first power-off that works: QEMU's
 * isa-debug-exit, Bochs's shutdown port, ACPI S5; else halt forever. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/arch/acpi.h"
#include "kernel/arch/power.h"
#include "kernel/arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4 /* -device isa-debug-exit,iobase=0xf4 */
#define QEMU_FW_CFG_SELECT 0x510  /* QEMU fw_cfg: selector 0 reads the signature "QEMU" */
#define QEMU_FW_CFG_DATA 0x511
#define BOCHS_SHUTDOWN_PORT 0x8900

#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0a

static bool running_on_qemu(void)
{
	outw(QEMU_FW_CFG_SELECT, 0);
	char sig[4];
	for (int i = 0; i < 4; i++)
		sig[i] = inb(QEMU_FW_CFG_DATA);
	return !memcmp(sig, "QEMU", 4);
}

static const struct acpi_header *table_at(uint64_t addr)
{
	if (!addr || addr >= (4ull << 30))
		return NULL;
	const struct acpi_header *h = (const void *)(uintptr_t)addr;
	if (h->length < sizeof(*h) || h->length > (1u << 24) || acpi_sum(h, h->length))
		return NULL;
	return h;
}

static const struct acpi_fadt *find_fadt(void)
{
	const struct acpi_rsdp *rsdp = (const void *)(uintptr_t)boot_info.acpi_rsdp;
	if (!rsdp || memcmp(rsdp->signature, "RSD PTR ", 8) || acpi_sum(rsdp, ACPI_RSDP_V1_LEN))
		return NULL;
	const struct acpi_header *rsdt = table_at(rsdp->rsdt);
	if (!rsdt || memcmp(rsdt->signature, "RSDT", 4))
		return NULL;
	const uint8_t *entries = (const uint8_t *)(rsdt + 1);
	for (uint32_t off = 0; off + 4 <= rsdt->length - sizeof(*rsdt); off += 4) {
		uint32_t a;
		memcpy(&a, entries + off, 4);
		const struct acpi_header *t = table_at(a);
		const struct acpi_fadt *f = (const void *)t;
		if (t && !memcmp(t->signature, "FACP", 4) && ACPI_FADT_HAS(f, pm1b_cnt_blk))
			return f;
	}
	return NULL;
}

/* SLP_TYPa of the \_S5_ package in the DSDT's AML, or -1. */
static int find_s5_type(const struct acpi_header *dsdt)
{
	const uint8_t *aml = (const uint8_t *)dsdt;
	for (uint32_t i = sizeof(*dsdt); i + 8 < dsdt->length; i++) {
		if (memcmp(aml + i, "_S5_", 4) || aml[i + 4] != AML_PACKAGE_OP)
			continue;
		uint32_t j = i + 5;
		j += ((aml[j] >> 6) & 3) + 1; /* PkgLength: lead byte + 0-3 following bytes */
		j++;                          /* NumElements */
		if (j + 1 >= dsdt->length)
			return -1;
		return aml[j] == AML_BYTE_PREFIX ? aml[j + 1] : aml[j];
	}
	return -1;
}

static void acpi_poweroff(void)
{
	const struct acpi_fadt *f = find_fadt();
	if (!f)
		return;
	uint32_t pm1a = f->pm1a_cnt_blk, pm1b = f->pm1b_cnt_blk, smi_cmd = f->smi_cmd;
	const struct acpi_header *dsdt = table_at(f->dsdt);
	int slp_typ = dsdt ? find_s5_type(dsdt) : -1;
	if (slp_typ < 0 || !pm1a)
		return;
	if (!(inw(pm1a) & ACPI_PM1_SCI_EN) && smi_cmd) {
		outb(smi_cmd, f->acpi_enable);
		for (int i = 0; i < 300 && !(inw(pm1a) & ACPI_PM1_SCI_EN); i++)
			for (volatile int d = 0; d < 100000; d++)
				;
	}
	uint16_t v = (uint16_t)((slp_typ & 7) << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN;
	outw(pm1a, v);
	if (pm1b)
		outw(pm1b, v);
}

void machine_exit(int code)
{
	cli();
	console_flush();
	if (running_on_qemu())
		outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code); /* ignored when the device is absent */
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	acpi_poweroff();
	for (;;)
		hlt();
}
