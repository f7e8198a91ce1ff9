/* pci.h: PCI devices found through configuration space mechanism #1, with their BARs and capabilities. */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVICES 64
#define PCI_MAX_BARS 6

/* PCI Local Bus 3.0, 6.1: configuration header offsets. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAP_PTR 0x34
#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_STATUS_CAP_LIST (1u << 4)
#define PCI_CAP_ID_VENDOR 0x09

struct pci_bar {
	uint64_t base, size;
	bool is_io, is_64, prefetchable;
};

struct pci_device {
	uint8_t bus, dev, fn;
	uint16_t vendor, device, subsystem;
	uint8_t class_code, subclass, prog_if, revision;
	struct pci_bar bars[PCI_MAX_BARS];
	bool claimed; /* a driver took it */
};

/* Scans every bus; returns the number of functions found. */
int pci_init(void);
void pci_list(void);
int pci_count(void);
struct pci_device *pci_get(int index);
/* Next unclaimed device with this vendor and one of the device ids (0-terminated list), or NULL. */
struct pci_device *pci_find(uint16_t vendor, const uint16_t *device_ids);

uint32_t pci_read32(const struct pci_device *d, uint8_t off);
uint16_t pci_read16(const struct pci_device *d, uint8_t off);
uint8_t pci_read8(const struct pci_device *d, uint8_t off);
void pci_write16(const struct pci_device *d, uint8_t off, uint16_t v);
/* Offset of the next capability with this id after 'after' (0: from the start), 0 if none. */
uint8_t pci_find_cap(const struct pci_device *d, uint8_t id, uint8_t after);
void pci_enable(const struct pci_device *d);

#endif
