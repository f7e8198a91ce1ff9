/* power.c: the orderly end: flush the console, then the first power-off that works: QEMU's
 * isa-debug-exit, ACPI S5, Bochs's shutdown port; else halt forever. And reboot: the ACPI reset
 * register, the keyboard controller, the reset control register at 0xcf9, a triple fault. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/arch/acpi_find.h"
#include "kernel/arch/power.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4 /* -device isa-debug-exit,iobase=0xf4 */
#define QEMU_FW_CFG_SELECT 0x510  /* QEMU fw_cfg: selector 0 reads the signature "QEMU" */
#define QEMU_FW_CFG_DATA 0x511
#define BOCHS_SHUTDOWN_PORT 0x8900

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
/* i8042: command 0xfe pulses output port bit 0, the CPU's reset line. */
#define KBC_COMMAND_PORT 0x64
#define KBC_INPUT_FULL 0x02
#define KBC_PULSE_RESET 0xfe
/* Intel PCH/ICH reset control register (I/O 0xcf9): bit 1 system reset, bit 2 reset CPU. */
#define RESET_CONTROL_PORT 0xcf9
#define RESET_CONTROL_CPU 0x04
#define RESET_CONTROL_HARD 0x06
#define RESET_WAIT_US 500000 /* how long each way is given to take effect before the next */

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

/* Says how the machine is about to end, while it still can. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	console_flush();
}

static void acpi_poweroff(void)
{
	const struct acpi_fadt *f = acpi_fadt();
	if (!f)
		return;
	uint32_t pm1a = f->pm1a_cnt_blk, pm1b = f->pm1b_cnt_blk, smi_cmd = f->smi_cmd;
	const struct acpi_header *dsdt = acpi_table_at(f->dsdt);
	int slp_typ = dsdt ? find_s5_type(dsdt) : -1;
	if (slp_typ < 0 || !pm1a)
		return;
	if (!(inw(pm1a) & ACPI_PM1_SCI_EN) && smi_cmd) {
		outb(smi_cmd, f->acpi_enable);
		for (int i = 0; i < 300 && !(inw(pm1a) & ACPI_PM1_SCI_EN); i++)
			delay_us(1000);
	}
	say("Tally: powering off through ACPI S5 (PM1a_CNT_BLK 0x%x, SLP_TYP %d)\n", (unsigned)pm1a, slp_typ);
	uint16_t v = (uint16_t)((slp_typ & 7) << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN;
	outw(pm1a, v);
	if (pm1b)
		outw(pm1b, v);
	delay_us(RESET_WAIT_US);
}

void machine_exit(int code)
{
	cli();
	console_flush();
	if (running_on_qemu())
		outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code); /* ignored when the device is absent */
	acpi_poweroff();
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	for (;;)
		hlt();
}

/* ACPI 6.4, 5.2.3.2: a PCI configuration space address is device << 32 | function << 16 | offset
 * (bus 0), written here through configuration mechanism #1 (ports 0xcf8/0xcfc). */
static void pci_config_write8(uint64_t a, uint8_t v)
{
	uint32_t dev = (a >> 32) & 0x1f, fn = (a >> 16) & 7, off = a & 0xff;
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | dev << 11 | fn << 8 | (off & 0xfc));
	outb((uint16_t)(PCI_CONFIG_DATA + (off & 3)), v);
}

/* The FADT's RESET_REG (5.2.9, 4.8.3.6), when the firmware says it is supported. */
static void acpi_reset(void)
{
	const struct acpi_fadt *f = acpi_fadt();
	if (!f || !ACPI_FADT_HAS(f, reset_value) || !(f->flags & ACPI_FADT_RESET_REG_SUP))
		return;
	const struct acpi_gas *r = &f->reset_reg;
	static const char *const space[] = { "memory", "I/O", "PCI configuration" };
	if (r->space_id > ACPI_SPACE_PCI_CONFIG || !r->address)
		return;
	say("reboot: ACPI reset register (%s 0x%llx <- 0x%x)\n", space[r->space_id], (unsigned long long)r->address,
	    f->reset_value);
	if (r->space_id == ACPI_SPACE_IO)
		outb((uint16_t)r->address, f->reset_value);
	else if (r->space_id == ACPI_SPACE_MEMORY && r->address < (4ull << 30))
		*(volatile uint8_t *)(uintptr_t)r->address = f->reset_value;
	else if (r->space_id == ACPI_SPACE_PCI_CONFIG)
		pci_config_write8(r->address, f->reset_value);
	delay_us(RESET_WAIT_US);
}

void machine_reboot(void)
{
	cli();
	console_flush();
	acpi_reset();
	/* The 8042's pulse of the reset line (its input buffer empty first, status bit 1). */
	say("reboot: keyboard controller (port 0x%x <- 0x%x)\n", KBC_COMMAND_PORT, KBC_PULSE_RESET);
	for (int i = 0; i < 10000 && (inb(KBC_COMMAND_PORT) & KBC_INPUT_FULL); i++)
		delay_us(10);
	outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
	delay_us(RESET_WAIT_US);
	/* The chipset's reset control register: a hard reset on 0 -> 1 of bit 2 (with bit 1 set). */
	say("reboot: reset control register (port 0x%x <- 0x%x)\n", RESET_CONTROL_PORT, RESET_CONTROL_HARD);
	outb(RESET_CONTROL_PORT, RESET_CONTROL_HARD & ~RESET_CONTROL_CPU);
	delay_us(10);
	outb(RESET_CONTROL_PORT, RESET_CONTROL_HARD);
	delay_us(RESET_WAIT_US);
	/* Last: a triple fault, an exception with no IDT to take it; the CPU shuts down and resets. */
	say("reboot: triple fault\n");
	static const struct descriptor_ptr no_idt = { 0, 0 };
	lidt(&no_idt);
	__asm__ volatile("int3");
	for (;;)
		hlt();
}
