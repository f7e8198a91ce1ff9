/* exit_apic.h: the guest's local APIC as its CPU reaches it: x2APIC MSRs and the xAPIC page. */
#ifndef VMX_EXIT_APIC_H
#define VMX_EXIT_APIC_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* RDMSR/WRMSR of 0x800-0x8FF: NULL when done, else why the CPU raises #GP. */
const char *apic_x2apic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
const char *apic_x2apic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
/* An EPT violation at gpa: true when it was an access to the xAPIC page, emulated (or the guest
 * stopped with a reason); false when the page is not the APIC's. */
bool apic_mmio_exit(struct vcpu *v, uint64_t gpa, uint64_t qualification);

#endif
