/* dev_pci.c: PCI configuration mechanism #1 with no devices behind it, and the reset control register 0xcf9. */
#include "vmx/dev_board.h"
#include "vmx/vcpu.h"

/* PCI Local Bus Specification 3.0, 3.2.2.3.2: CONFIG_ADDRESS at 0xcf8, CONFIG_DATA at 0xcfc. */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_NO_DEVICE 0xffffffffu /* a read of an absent function's configuration space */
/* Intel ICH/PCH datasheets, "Reset Control Register" (0xcf9): bit 2 starts the reset, bit 1 hard. */
#define PCI_RESET_CONTROL 0xcf9
#define CF9_RESET_CPU 0x04
#define CF9_SYSTEM_RESET 0x02

uint32_t pci_in(struct vcpu *v, unsigned port, unsigned size)
{
	if (port == PCI_CONFIG_ADDRESS && size == 4)
		return v->plat.pci_address;
	if (port == PCI_RESET_CONTROL && size == 1)
		return v->plat.cf9;
	if (port >= PCI_CONFIG_DATA)
		return PCI_NO_DEVICE;
	return 0xffffffffu; /* byte or word access to CONFIG_ADDRESS: not decoded */
}

void pci_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	if (port == PCI_CONFIG_ADDRESS && size == 4) {
		v->plat.pci_address = val & 0x80fffffcu; /* enable, bus, device, function, register */
	} else if (port == PCI_RESET_CONTROL && size == 1) {
		if (val & CF9_RESET_CPU)
			vcpu_reset_request(v, (val & CF9_SYSTEM_RESET) ? "port 0xcf9 (hard reset)" : "port 0xcf9 (soft reset)");
		else
			v->plat.cf9 = (uint8_t)(val & CF9_SYSTEM_RESET);
	}
	/* CONFIG_DATA writes reach no function. */
}
