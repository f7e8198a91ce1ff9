/* shell.h: the serial console shell. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* X(name, min args, max args, usage, help): every command, once; `help` and README's table
 * (tools/gen-readme-tables.sh) come from it. */
#define SHELL_COMMANDS(X)                                                                      \
	X(help, 0, 0, "help", "list the commands")                                             \
	X(vms, 0, 0, "vms", "every VMX guest (running/halted/ended, exits) and MIPS VM (state, instructions, pages, engine, time in its slices and rate)") \
	X(dump, 1, 1, "dump <vm>", "DUMP_PROCESSOR_STATE of a MIPS VM")                        \
	X(snapshot, 2, 2, "snapshot <vm> <file>", "save a MIPS VM to a file on the disk")      \
	X(run, 1, 2, "run <file.s> [snapshot]", "start a MIPS VM from a program on the disk, optionally from a snapshot") \
	X(kill, 1, 1, "kill <vm>", "stop a MIPS VM and free its memory")                       \
	X(stop, 1, 1, "stop <vm>", "stop a VMX guest (its table is printed) or a MIPS VM")     \
	X(migrate, 2, 2, "migrate <vm> <host[:port]>", "live-migrate a MIPS VM to another Tally or mipsvm (host: a.b.c.d, a hosts= name or a DNS name)") \
	X(ls, 0, 0, "ls", "files on the disk and the free space")                              \
	X(lspci, 0, 0, "lspci", "PCI functions with their BARs")                               \
	X(mem, 0, 0, "mem", "frames, heap, and what is executable")                            \
	X(stats, 0, 3, "stats [guest] [--export] | stats save <guest> <file>", "VMX exit statistics per reason (p50/p90/p99 too): all guests, or one (also after it ended); --export: its figures, histograms, timeline and trace as JSON lines; save: the same lines to a file on the FAT disk") \
	X(trace, 1, 2, "trace <guest> [N]", "the last N exits of a VMX guest (default 16): reason, RIP, qualification, cycles, TSC") \
	X(pc, 1, 1, "pc <guest>", "a VMX guest's emulated PC: local APIC (mode, TPR/PPR, IRR/ISR, LVTs, timer), PIC, PIT, COM1 and ACPI PM registers, its next timer interrupt") \
	X(console, 1, 1, "console <guest>", "type into a VMX guest's COM1 and see its output raw; Ctrl-] returns (so does its end)") \
	X(vmx, 0, 0, "vmx", "the VT-x capability report: every IA32_VMX_* MSR decoded, and which controls Tally uses") \
	X(net, 0, 0, "net", "network address, link and counters")                              \
	X(halt, 0, 0, "halt", "power off")                                                      \
	X(reboot, 0, 0, "reboot", "reset the machine (ACPI reset register, keyboard controller, port 0xcf9, triple fault)")

/* Prints how to use the shell; the first prompt comes with the first Enter. */
void shell_start(void);
/* console=NAME: the console starts in guest NAME's COM1 (a warning when there is no such guest). */
void shell_attach_console(const char *name);
/* Takes whatever input is waiting on COM1; runs a command per complete line. Never blocks. */
void shell_poll(void);

#endif
