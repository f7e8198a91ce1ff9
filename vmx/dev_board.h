/* dev_board.h: the small port devices that act on the vCPU itself: i8042, port 0x92, PCI mechanism #1 and 0xcf9, ACPI PM. */
#ifndef VMX_DEV_BOARD_H
#define VMX_DEV_BOARD_H

#include <stdint.h>

struct vcpu;

#define I8042_DATA 0x60
#define I8042_STATUS 0x64

uint32_t i8042_in(struct vcpu *v, unsigned port, unsigned size);
void i8042_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val);
uint32_t port92_in(struct vcpu *v, unsigned port, unsigned size);
void port92_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val);
uint32_t pci_in(struct vcpu *v, unsigned port, unsigned size);
void pci_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val);
uint32_t acpi_pm_in(struct vcpu *v, unsigned port, unsigned size);
void acpi_pm_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val);
uint32_t acpi_pm_timer_in(struct vcpu *v, unsigned port, unsigned size);
void acpi_pm_timer_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val);

#endif
