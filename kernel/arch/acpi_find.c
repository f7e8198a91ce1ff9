/* acpi_find.c: the firmware's ACPI tables: RSDP -> XSDT or RSDT -> a table by signature (ACPI 6.4, 5.2.5-5.2.8). */
#include <string.h>

#include "kernel/arch/acpi_find.h"
#include "kernel/bootinfo.h"

#define ACPI_TABLE_MAX (1u << 24) /* a sanity bound: no firmware table is this long */

const struct acpi_header *acpi_table_at(uint64_t addr)
{
	if (!addr || addr >= (4ull << 30))
		return NULL;
	const struct acpi_header *h = (const void *)(uintptr_t)addr;
	if (h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX || acpi_sum(h, h->length))
		return NULL;
	return h;
}

/* The XSDT when the RSDP is revision 2 or later and its extended checksum holds (5.2.5.3), else
 * the RSDT; *entry_size says 8 (XSDT) or 4 (RSDT). */
static const struct acpi_header *root_table(unsigned *entry_size)
{
	const struct acpi_rsdp *rsdp = (const void *)(uintptr_t)boot_info.acpi_rsdp;
	if (!rsdp || memcmp(rsdp->signature, "RSD PTR ", 8) || acpi_sum(rsdp, ACPI_RSDP_V1_LEN))
		return NULL;
	if (rsdp->revision >= 2 && rsdp->length >= sizeof(*rsdp) && !acpi_sum(rsdp, sizeof(*rsdp))) {
		const struct acpi_header *x = acpi_table_at(rsdp->xsdt);
		if (x && !memcmp(x->signature, "XSDT", 4)) {
			*entry_size = 8;
			return x;
		}
	}
	const struct acpi_header *r = acpi_table_at(rsdp->rsdt);
	*entry_size = 4;
	return r && !memcmp(r->signature, "RSDT", 4) ? r : NULL;
}

const struct acpi_header *acpi_find_table(const char *sig)
{
	unsigned size;
	const struct acpi_header *root = root_table(&size);
	if (!root)
		return NULL;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (uint32_t off = 0; off + size <= root->length - sizeof(*root); off += size) {
		uint64_t a = 0;
		memcpy(&a, entries + off, size); /* little-endian: a 4-byte entry fills the low half */
		const struct acpi_header *t = acpi_table_at(a);
		if (t && !memcmp(t->signature, sig, 4))
			return t;
	}
	return NULL;
}

const struct acpi_fadt *acpi_fadt(void)
{
	const struct acpi_fadt *f = (const void *)acpi_find_table("FACP");
	return f && ACPI_FADT_HAS(f, pm1b_cnt_blk) ? f : NULL;
}
