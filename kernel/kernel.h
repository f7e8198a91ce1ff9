/* kernel.h: what the kernel's top exports to its rooms: the version string. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

extern const char tally_version[];

#endif
