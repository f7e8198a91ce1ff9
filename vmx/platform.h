/* platform.h: the PC a guest finds (local APIC, PIC, PIT, UART, CMOS, ACPI PM, i8042, PCI, resets), per vCPU, and its timers and interrupts. */
#ifndef VMX_PLATFORM_H
#define VMX_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/dev_cmos.h"
#include "vmx/dev_lapic.h"
#include "vmx/dev_pic.h"
#include "vmx/dev_pit.h"
#include "vmx/dev_uart.h"

/* ISA IRQ lines of the PC/AT (IBM PC/AT Technical Reference). */
#define IRQ_PIT 0
#define IRQ_COM1 4

struct vcpu;

struct platform {
	struct lapic lapic;
	struct pic pic;
	struct pit pit;
	struct uart uart;
	struct cmos cmos;
	uint32_t pci_address;  /* 0xcf8, configuration mechanism #1 */
	uint8_t port92, cf9;   /* system control port A, reset control register */
	uint16_t pm1_status, pm1_enable, pm1_control; /* ACPI PM1a event and control blocks */
	bool console;          /* the operator's console is attached: output goes out raw */
};

/* Powers the platform on (every device in its reset state). */
void platform_init(struct platform *p);
/* The host's wall-clock time, read once from the host's RTC when guests start. */
void platform_read_host_clock(void);
/* Guest time in PIT ticks and wall-clock seconds at host TSC value tsc. */
uint64_t platform_pit_ticks(uint64_t tsc);
int64_t platform_unix_seconds(uint64_t tsc);
/* The host TSC value at PIT tick ticks (about: rounded up). */
uint64_t platform_tsc_of_pit(uint64_t ticks);

/* One port access of an IN/OUT (size 1, 2 or 4) through the port table (vmx/ioport.c). */
uint32_t ioport_in(struct vcpu *v, unsigned port, unsigned size);
void ioport_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val);

/* Interrupts (vmx/intr.c): the lines follow the devices' state at host time tsc. */
void intr_update(struct vcpu *v, uint64_t tsc);
/* True when the APIC or the PIC would deliver a vector now (whatever RFLAGS.IF says). */
bool intr_pending(const struct vcpu *v);
/* Before each VM entry: injects the APIC's or the PIC's vector when the guest can take it, else asks for an
 * interrupt-window exit; programs the preemption timer for the quantum or the next timer interrupt. */
void intr_before_entry(struct vcpu *v, uint64_t quantum_end);
/* The host TSC value of v's next timer interrupt, or UINT64_MAX. */
uint64_t intr_next_deadline(const struct vcpu *v);
/* The UART's line changed (a register access or a received byte). */
void intr_uart_changed(struct vcpu *v);
/* The ACPI PM timer's count (3.579545 MHz, all bits; the port shows 24) at host TSC value tsc. */
uint64_t platform_pm_ticks(uint64_t tsc);
/* `pc NAME` (vmx/platform_view.c): the APIC, PIC, PIT and COM1 registers and v's timer. */
void platform_print(const struct vcpu *v);

#endif
