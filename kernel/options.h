/* options.h: the kernel command line (key=value words). Every key Tally knows is listed once, here. */
#ifndef KERNEL_OPTIONS_H
#define KERNEL_OPTIONS_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmx/abi.h" /* TALLY_ABIS: the values of cpuid_abi= */

/* V(id, word): the words an option takes; option_choice() returns a word's index in its list. */
#define LOGLEVEL_VALUES(V) V(LOG_ERROR, "error") V(LOG_WARN, "warn") V(LOG_INFO, "info") V(LOG_DEBUG, "debug")
#define SELFTEST_VALUES(V)                                                                   \
	V(0, "pagefault") V(0, "divide") V(0, "panic") V(0, "heap-double-free") V(0, "highmem") \
	V(0, "ping") V(0, "tcp-send") V(0, "tcp-recv")
#define EXIT_VALUES(V) V(0, "poweroff") V(0, "halt") V(0, "shell")
#define SHELL_VALUES(V) V(0, "on") V(0, "off")
#define SCREEN_VALUES(V) V(SCREEN_ON, "on") V(SCREEN_OFF, "off")
enum { SCREEN_ON, SCREEN_OFF }; /* option_choice("screen") */
#define CPUID_SCOPE_VALUES(V) V(0, "guest") V(0, "global")
#define STATS_EXPORT_VALUES(V) V(0, "off") V(0, "on")
#define MIPS_ENGINE_VALUES(V) V(0, "interp") V(0, "jit")	/* indexes: enum mips_engine */
enum { STATS_EXPORT_ON = 1 }; /* option_choice("stats_export"): the index of "on" */
#define EXIT_ANALYTICS_VALUES(V) V(0, "on") V(0, "off")
enum { EXIT_ANALYTICS_OFF = 1 }; /* option_choice("exit_analytics"): the index of "off" */
#define ANY_VALUE(V)

/* X(name, values, help): values is one of the lists above (ANY_VALUE: free form); the help line
 * shows the words joined by '|' before the help text. */
#define KERNEL_OPTIONS(X)                                                                   \
	X(loglevel, LOGLEVEL_VALUES, "console verbosity (default info)")                   \
	X(selftest, SELFTEST_VALUES, "self-tests")                                          \
	X(exit, EXIT_VALUES, "what Tally does once all VMs have ended (default poweroff; one booted without VMs that listens for migrations stays up)")  \
	X(cpuid_abi, TALLY_ABIS, "layout of the exit-statistics CPUID leaves")              \
	X(cpuid_scope, CPUID_SCOPE_VALUES, "the CPUID leaves answer the asking guest's figures (default) or all guests'") \
	X(stats_export, STATS_EXPORT_VALUES, "on: a VMX guest's end also writes its statistics, histograms, timeline and trace in the export format (default off)") \
	X(exit_analytics, EXIT_ANALYTICS_VALUES, "off: VMX exits are only counted and timed, with no latency histograms, timeline or trace (the baseline of their cost; default on)") \
	X(quantum, ANY_VALUE, "N[us|ms|s]: how long a VMX guest runs before the loop takes the CPU back (default 2ms)") \
	X(ip, ANY_VALUE, "static IPv4 address a.b.c.d/len (default: DHCP)")                \
	X(gw, ANY_VALUE, "IPv4 gateway a.b.c.d")                                            \
	X(peer, ANY_VALUE, "a.b.c.d[:port]: the other end for selftest=ping|tcp-send")     \
	X(hosts, ANY_VALUE, "name:a.b.c.d,...: host names MIGRATE and migrate know without DNS (looked up before it)") \
	X(migrate_key, ANY_VALUE, "shared key that authenticates migration streams")       \
	X(migrate_port, ANY_VALUE, "TCP port for incoming migrations (default 7283)")      \
	X(migrate_mem, ANY_VALUE, "most memory one incoming migrated VM may have (default 64M)") \
	X(migrate_timeout, ANY_VALUE, "ms without progress after which a migration fails (default 10000)") \
	X(migrate_header_timeout, ANY_VALUE, "ms from connecting by which an incoming sender must be authenticated (default 5000)") \
	X(migrate_total_timeout, ANY_VALUE, "ms from connecting by which an incoming migration must end (default 600000)") \
	X(slice, ANY_VALUE, "default MIPS slice in instructions")                           \
	X(mips_engine, MIPS_ENGINE_VALUES, "MIPS VMs translated to x86-64 (default) or interpreted; a module's engine= decides for its VM") \
	X(mips_jit_cache, ANY_VALUE, "KiB of translated code per MIPS VM (default 256; emptied when full)") \
	X(shell, SHELL_VALUES, "the serial console shell (default on)")                      \
	X(screen, SCREEN_VALUES, "the screen console: VGA text or the framebuffer shows what serial does, with a status line (default on)") \
	X(console, ANY_VALUE, "NAME: the serial console starts in VMX guest NAME's COM1, as the shell's `console NAME`")

/* Parses boot_info.cmdline; reports unknown keys and malformed words. Returns the number of errors. */
int options_parse(const char *cmdline);
/* The value of key, or NULL when it was not given. A bare word "key" has value "". */
const char *option_get(const char *key);
/* The index of key's value in its list of words; -1 when absent, -2 when not one of them. */
int option_choice(const char *key);
/* key's words joined by sep, the last two by last (", " and " or " give "a, b or c"), into buf. */
const char *option_values(const char *key, const char *sep, const char *last, char *buf, size_t size);
/* Value parsed as an unsigned number (decimal, 0x hex, K/M/G suffixes), or def when absent. */
uint64_t option_get_u64(const char *key, uint64_t def);

/* The same key=value parsing for module command lines. "words" is the text; returns the value of
 * key or NULL. Values end at whitespace. Copies into buf (size bytes). */
const char *kv_find(const char *words, const char *key, char *buf, int size);
/* True when the word appears on its own (e.g. "guest" in "guest name=x"). */
bool kv_has_word(const char *words, const char *word);
/* The one number parser: digits at *s (decimal; with hex, also 0x...), advancing *s past them.
 * Returns -1 when there is no digit or the value overflows 64 bits. */
int parse_uint(const char **s, bool hex, uint64_t *out);
/* Parses "64M", "0x1000", "4096", "2G"; returns 0 on success. */
int parse_size(const char *s, uint64_t *out);

#endif
