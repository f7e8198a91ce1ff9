/* pci.c: bus enumeration through I/O ports 0xcf8/0xcfc, BAR sizing and capability lists. */
#include <string.h>

#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/dev/pci.h"

/* PCI Local Bus 3.0, 3.2.2.3.2: configuration mechanism #1. */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_ENABLE (1u << 31)
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_TYPE_MASK 0x7f
#define BAR_IO 0x1
#define BAR_TYPE_64 0x4
#define BAR_PREFETCH 0x8
#define CAP_WALK_MAX 48 /* a looping capability list stops here */

static struct pci_device devices[PCI_MAX_DEVICES];
static int ndevices;

static uint32_t config_address(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	return PCI_ENABLE | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc);
}

static uint32_t read32_bdf(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, off));
	return inl(PCI_CONFIG_DATA);
}

static void write32_bdf(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v)
{
	outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, off));
	outl(PCI_CONFIG_DATA, v);
}

uint32_t pci_read32(const struct pci_device *d, uint8_t off) { return read32_bdf(d->bus, d->dev, d->fn, off); }
uint16_t pci_read16(const struct pci_device *d, uint8_t off) { return pci_read32(d, off) >> ((off & 2) * 8); }
uint8_t pci_read8(const struct pci_device *d, uint8_t off) { return pci_read32(d, off) >> ((off & 3) * 8); }

void pci_write16(const struct pci_device *d, uint8_t off, uint16_t v)
{
	uint32_t old = pci_read32(d, off);
	unsigned shift = (off & 2) * 8;
	write32_bdf(d->bus, d->dev, d->fn, off, (old & ~(0xffffu << shift)) | (uint32_t)v << shift);
}

/* Sizes BAR i by writing all ones (decoding off meanwhile); returns how many BAR slots it used. */
static int size_bar(struct pci_device *d, int i)
{
	uint8_t off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read32(d, off);
	struct pci_bar *b = &d->bars[i];
	write32_bdf(d->bus, d->dev, d->fn, off, 0xffffffff);
	uint32_t mask_lo = pci_read32(d, off);
	write32_bdf(d->bus, d->dev, d->fn, off, lo);
	if (lo & BAR_IO) {
		b->is_io = true;
		b->base = lo & ~3u;
		b->size = mask_lo ? (~(mask_lo & ~3u) & 0xffff) + 1 : 0;
		return 1;
	}
	b->prefetchable = lo & BAR_PREFETCH;
	uint64_t mask = mask_lo & ~0xfu;
	b->base = lo & ~0xfu;
	if ((lo & 0x6) == BAR_TYPE_64 && i + 1 < PCI_MAX_BARS) {
		uint32_t hi = pci_read32(d, off + 4);
		write32_bdf(d->bus, d->dev, d->fn, off + 4, 0xffffffff);
		uint32_t mask_hi = pci_read32(d, off + 4);
		write32_bdf(d->bus, d->dev, d->fn, off + 4, hi);
		b->is_64 = true;
		b->base |= (uint64_t)hi << 32;
		mask |= (uint64_t)mask_hi << 32;
		b->size = mask ? ~mask + 1 : 0;
		return 2;
	}
	b->size = mask ? (~mask + 1) & 0xffffffffull : 0;
	return 1;
}

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (ndevices == PCI_MAX_DEVICES) {
		log_warn("pci: more than %d functions; %02x:%02x.%x ignored\n", PCI_MAX_DEVICES, bus, dev, fn);
		return;
	}
	struct pci_device *d = &devices[ndevices++];
	memset(d, 0, sizeof(*d));
	d->bus = bus, d->dev = dev, d->fn = fn;
	d->vendor = pci_read16(d, PCI_VENDOR_ID);
	d->device = pci_read16(d, PCI_DEVICE_ID);
	d->subsystem = pci_read16(d, PCI_SUBSYSTEM_ID);
	uint32_t cr = pci_read32(d, PCI_CLASS_REV);
	d->class_code = cr >> 24, d->subclass = cr >> 16, d->prog_if = cr >> 8, d->revision = cr;
	if ((pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) != 0)
		return; /* bridges: no BARs of interest to Tally */
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < PCI_MAX_BARS;)
		i += size_bar(d, i);
	pci_write16(d, PCI_COMMAND, cmd);
}

int pci_init(void)
{
	ndevices = 0;
	for (unsigned bus = 0; bus < 256; bus++) {
		for (uint8_t dev = 0; dev < 32; dev++) {
			if ((read32_bdf(bus, dev, 0, PCI_VENDOR_ID) & 0xffff) == 0xffff)
				continue;
			uint8_t header = read32_bdf(bus, dev, 0, PCI_HEADER_TYPE & 0xfc) >> 16;
			int nfn = header & PCI_HEADER_MULTIFUNCTION ? 8 : 1;
			for (uint8_t fn = 0; fn < nfn; fn++)
				if ((read32_bdf(bus, dev, fn, PCI_VENDOR_ID) & 0xffff) != 0xffff)
					add_function(bus, dev, fn);
		}
	}
	return ndevices;
}

void pci_list(void)
{
	for (int i = 0; i < ndevices; i++) {
		const struct pci_device *d = &devices[i];
		kprintf("  %02x:%02x.%x %04x:%04x class %02x%02x%02x", d->bus, d->dev, d->fn, d->vendor, d->device,
			d->class_code, d->subclass, d->prog_if);
		for (int b = 0; b < PCI_MAX_BARS; b++) {
			const struct pci_bar *bar = &d->bars[b];
			if (bar->size)
				kprintf(" BAR%d %s 0x%llx+0x%llx", b, bar->is_io ? "io" : bar->is_64 ? "mem64" : "mem32",
					(unsigned long long)bar->base, (unsigned long long)bar->size);
		}
		kprintf("\n");
	}
}

int pci_count(void) { return ndevices; }
struct pci_device *pci_get(int i) { return i >= 0 && i < ndevices ? &devices[i] : NULL; }

struct pci_device *pci_find(uint16_t vendor, const uint16_t *ids)
{
	for (int i = 0; i < ndevices; i++) {
		if (devices[i].claimed || devices[i].vendor != vendor)
			continue;
		for (const uint16_t *id = ids; *id; id++)
			if (devices[i].device == *id)
				return &devices[i];
	}
	return NULL;
}

uint8_t pci_find_cap(const struct pci_device *d, uint8_t id, uint8_t after)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	uint8_t off = after ? pci_read8(d, after + 1) : pci_read8(d, PCI_CAP_PTR);
	for (int n = 0; off >= 0x40 && n < CAP_WALK_MAX; n++) {
		off &= 0xfc;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

void pci_enable(const struct pci_device *d)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}
