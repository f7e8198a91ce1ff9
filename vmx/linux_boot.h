/* linux_boot.h: loading a Linux bzImage and its initramfs into guest memory for the 64-bit entry. */
#ifndef VMX_LINUX_BOOT_H
#define VMX_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "vmx/ept.h"
#include "vmx/loader.h"

/* Where Tally puts its boot structures in the guest's low RAM (below the 0x9fc00 of the e820 map). */
#define LINUX_GDT_GPA 0x1000u
#define LINUX_PML4_GPA 0x2000u    /* then the PDPT at 0x3000 and four page directories */
#define LINUX_ZERO_PAGE_GPA 0x8000u
#define LINUX_CMDLINE_GPA 0x9000u
#define LINUX_CMDLINE_MAX 0x1000u /* bytes, with the terminating NUL */
#define LINUX_STACK_GPA 0x80000u  /* top of a stack for the entry code, until the kernel sets its own */

struct linux_image {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd;
	size_t initrd_len;
	const char *cmdline; /* handed to the kernel verbatim */
};

/* What was placed where, for the start line. */
struct linux_layout {
	uint16_t version;      /* boot protocol, 0x020f = 2.15 */
	uint64_t load;         /* the protected-mode kernel */
	uint64_t kernel_end;   /* end of what it needs before it reads its memory map (init_size) */
	uint64_t initrd;
	uint64_t initrd_len;
};

/* Checks the image (Linux x86 boot protocol, Documentation/arch/x86/boot.rst), copies the kernel
 * and the initramfs into m, builds the zero page, the command line, a GDT and identity page
 * tables, and fills b for the 64-bit entry and l (may be NULL). Returns 0, or -1 with the check
 * that failed written to err. */
int linux_boot_load(struct guest_memory *m, const struct linux_image *img, struct guest_boot *b,
		    struct linux_layout *l, char *err, size_t errsz);

#endif
