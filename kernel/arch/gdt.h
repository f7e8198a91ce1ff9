/* gdt.h: the hypervisor's 64-bit GDT and TSS (VM exits load these selectors as host state). */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include <stdint.h>

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS 0x18

void gdt_init(void);
uint64_t gdt_base(void);
uint64_t tss_base(void);

#endif
