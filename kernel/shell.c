/* shell.c: a line-oriented shell on COM1, polled from the main loop; one table lists its commands. */
#include <ctype.h>
#include <string.h>

#include "kernel/arch/paging.h"
#include "kernel/arch/power.h"
#include "kernel/console.h"
#include "kernel/dev/disk.h"
#include "kernel/dev/keyboard.h"
#include "kernel/dev/pci.h"
#include "kernel/line_edit.h"
#include "kernel/mips/mipsvms.h"
#include "kernel/mm/mm.h"
#include "kernel/net/net.h"
#include "kernel/options.h"
#include "kernel/shell.h"
#include "vmx/vmx.h"

#define SHELL_MAX_ARGS 4
#define PROMPT "tally> "
#define CONSOLE_ESCAPE 0x1d /* Ctrl-] (telnet's escape character) */


static struct line_edit editor;
static bool prompt_shown;	/* the prompt (and the line being typed) are on the console */
static unsigned breaks_seen;	/* console_breaks() when they were last drawn */
static void show_prompt(void);

static void cmd_help(char **argv);
static void cmd_vms(char **argv)
{
	(void)argv;
	vmx_list_guests();
	mipsvms_list();
}
static void cmd_dump(char **argv) { mipsvms_dump(argv[1]); }
static void cmd_snapshot(char **argv) { mipsvms_snapshot(argv[1], argv[2]); }
static void cmd_run(char **argv) { mipsvms_run_file(argv[1], argv[2]); }
static void cmd_kill(char **argv) { mipsvms_kill(argv[1]); }
static void cmd_stop(char **argv)
{
	if (vmx_stop_guest(argv[1]) < 0)
		mipsvms_kill(argv[1]);
}
static void cmd_migrate(char **argv) { mipsvms_migrate(argv[1], argv[2]); }
static void cmd_ls(char **argv) { (void)argv; disk_list(); }
static void cmd_lspci(char **argv) { (void)argv; pci_list(); }
static void cmd_net(char **argv) { (void)argv; net_print_status(); }
static void cmd_vmx(char **argv) { (void)argv; vmx_print_capabilities(); }

/* `stats save GUEST FILE`: the export block, as `stats GUEST --export` prints it, to the disk. */
static void save_stats(const char *guest, const char *file)
{
	char *data, err[DISK_ERR_MAX];
	size_t len;
	int r = vmx_export_guest_statistics_buffer(guest, &data, &len);
	if (r == -1)
		kprintf("no VMX guest named '%s' (try 'vms')\n", guest);
	if (r < 0)
		return;
	if (disk_write(file, data, len, err) < 0)
		kprintf("stats save: %s's export (%zu bytes) not written: %s\n", guest, len, err);
	else
		kprintf("stats save: %s's export written to %s (%zu bytes)\n", guest, file, len);
	kfree(data);
}

static void cmd_stats(char **argv)
{
	const char *why = vmx_unusable_reason();
	bool save = argv[1] && !strcmp(argv[1], "save") && argv[2];
	bool export = argv[1] && argv[2] && !strcmp(argv[2], "--export");
	if (save && !argv[3])
		kprintf("stats save: no file named (stats save <guest> <file>)\n");
	else if (argv[3] && !save)
		kprintf("stats: too many words (stats [guest] [--export] | stats save <guest> <file>)\n");
	else if (why && !vmx_vcpu_count())
		kprintf("stats: no VMX guest runs here: VMX unavailable: %s\n", why);
	else if (!vmx_vcpu_count())
		kprintf("stats: no VMX guest runs here: no guest module was started\n");
	else if (save)
		save_stats(argv[2], argv[3]);
	else if (argv[2] && !export)
		kprintf("stats: '%s' is not --export (stats [guest] [--export])\n", argv[2]);
	else if (!argv[1])
		vmx_print_statistics();
	else if ((export ? vmx_export_guest_statistics(argv[1]) : vmx_print_guest_statistics(argv[1])) < 0)
		kprintf("no VMX guest named '%s' (try 'vms')\n", argv[1]);
}
static void cmd_trace(char **argv)
{
	uint64_t n = VMX_TRACE_SHOWN;
	const char *p = argv[2];
	if (p && (parse_uint(&p, false, &n) < 0 || *p || n > UINT32_MAX)) {
		kprintf("trace: '%s' is not a number of exits (trace <guest> [N])\n", argv[2]);
		return;
	}
	if (vmx_print_guest_trace(argv[1], (uint32_t)n) < 0)
		kprintf("no VMX guest named '%s' (try 'vms')\n", argv[1]);
}
static void cmd_pc(char **argv)
{
	if (vmx_print_guest_platform(argv[1]) < 0)
		kprintf("no VMX guest named '%s' (try 'vms')\n", argv[1]);
}
static bool console_on; /* the serial console belongs to a guest's COM1 */
static void cmd_console(char **argv)
{
	if (vmx_console_attach(argv[1]) < 0) {
		kprintf("no live VMX guest named '%s' (try 'vms')\n", argv[1]);
		return;
	}
	kprintf("console: attached to %s's COM1; Ctrl-] returns to the shell\n", argv[1]);
	console_on = true;
}

void shell_attach_console(const char *name)
{
	if (vmx_console_attach(name) < 0) {
		log_warn("command line: console=%s: no VMX guest of that name started; the shell keeps the console\n", name);
		return;
	}
	kprintf("console: attached to %s's COM1 (console=%s); Ctrl-] returns to the shell\n", name, name);
	console_on = true;
}

/* Typed bytes go to the guest until Ctrl-]; the shell comes back when the guest ends too. */
static bool console_poll(void)
{
	if (!console_on)
		return false;
	for (int c; vmx_console_attached() && (c = console_getc()) >= 0;) {
		if (c == CONSOLE_ESCAPE) {
			vmx_console_detach();
			break;
		}
		vmx_console_input((char)c);
	}
	if (vmx_console_attached())
		return true;
	console_on = false;
	kprintf("\nconsole: detached; back to the shell\n");
	show_prompt();
	return true;
}

static void cmd_halt(char **argv)
{
	(void)argv;
	kprintf("Tally: powering off (halt)\n");
	machine_exit(0);
}

static void cmd_reboot(char **argv)
{
	(void)argv;
	kprintf("Tally: rebooting\n");
	machine_reboot();
}

static void cmd_mem(char **argv)
{
	(void)argv;
	struct heap_stats st;
	heap_get_stats(&st);
	kprintf("  frames: %zu free of %zu (4 KiB)\n", pmm_free_count(), pmm_total_count());
	kprintf("  heap: %zu KiB arena, %zu KiB in %zu allocations\n", st.arena_bytes >> 10, st.used_bytes >> 10,
		st.allocations);
	struct paging_audit pa;
	paging_audit(&pa);
	kprintf("  map: %llu KiB executable: %llu KiB of the identity map, %llu KiB of MIPS code caches (their "
		"writable views %llu KiB); writable and executable: %llu KiB\n",
		(unsigned long long)(pa.ident_exec + pa.code_exec) >> 10, (unsigned long long)pa.ident_exec >> 10,
		(unsigned long long)pa.code_exec >> 10, (unsigned long long)pa.code_write >> 10,
		(unsigned long long)pa.write_exec >> 10);
}

struct shell_command {
	const char *name;
	int min_args, max_args;
	const char *usage, *help;
	void (*run)(char **argv);
};

#define X(name, lo, hi, usage, help) { #name, lo, hi, usage, help, cmd_##name },
static const struct shell_command commands[] = { SHELL_COMMANDS(X) };
#undef X

static void cmd_help(char **argv)
{
	(void)argv;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		kprintf("  %-26s %s\n", commands[i].usage, commands[i].help);
}

/* Splits in place at whitespace; returns the word count, or -1 when there are too many. */
static int split(char *s, char **argv)
{
	int argc = 0;
	for (;;) {
		while (isspace((unsigned char)*s))
			*s++ = 0;
		if (!*s)
			return argc;
		if (argc == SHELL_MAX_ARGS + 1)
			return -1;
		argv[argc++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
}

static void shell_execute(char *text)
{
	char *argv[SHELL_MAX_ARGS + 2] = { 0 };
	int argc = split(text, argv);
	if (argc == 0)
		return;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct shell_command *c = &commands[i];
		if (strcmp(argv[0], c->name))
			continue;
		if (argc < 0 || argc - 1 < c->min_args || argc - 1 > c->max_args) {
			kprintf("usage: %s\n", c->usage);
			return;
		}
		c->run(argv);
		return;
	}
	kprintf("unknown command '%s' (try 'help')\n", argc > 0 ? argv[0] : "?");
}

void shell_start(void)
{
	/* No prompt yet: VM output would run on after it. Enter shows one. */
	kprintf("Shell: type 'help' and Enter on the serial console%s\n",
		keyboard_present() ? " or the keyboard" : "");
}

static void show_prompt(void)
{
	kprintf("%s", PROMPT);
	prompt_shown = true;
	breaks_seen = console_breaks();
}

static void run_line(void)
{
	prompt_shown = false;
	if (editor.too_long)
		kprintf("shell: line longer than %d characters; nothing was run\n", LINE_EDIT_MAX - 1);
	else
		shell_execute(editor.line);
	editor.too_long = false;
	if (!console_on)
		show_prompt();
}

void shell_poll(void)
{
	if (console_poll())
		return;
	if (prompt_shown && console_breaks() != breaks_seen) { /* output broke into the typed line */
		line_edit_redraw(&editor, PROMPT);
		breaks_seen = console_breaks();
	}
	for (int c; !console_on && (c = console_getc()) >= 0;) {
		enum line_event ev = line_edit_key(&editor, c);
		if (ev == LINE_ENTER)
			run_line();
		else if (ev == LINE_CANCEL)
			show_prompt();
	}
}
