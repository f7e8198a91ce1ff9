/* options.h: the kernel command line (key=value words). Every key Tally knows is listed once, here. */
#ifndef KERNEL_OPTIONS_H
#define KERNEL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

/* X(name, help) */
#define KERNEL_OPTIONS(X)                                                                   \
	X(loglevel, "error|warn|info|debug: console verbosity (default info)")             \
	X(selftest, "pagefault|divide|panic|heap-double-free|highmem|ping|tcp-send|tcp-recv: self-tests") \
	X(exit, "poweroff|halt|shell: what Tally does once all VMs have ended (default poweroff)")                    \
	X(cpuid_abi, "4leaf|spring21|fall22: layout of the exit-statistics CPUID leaves")   \
	X(cpuid_scope, "guest|global: the CPUID leaves answer the asking guest's figures (default) or all guests'") \
	X(quantum, "N[us|ms|s]: how long a VMX guest runs before the loop takes the CPU back (default 2ms)") \
	X(ip, "static IPv4 address a.b.c.d/len (default: DHCP)")                           \
	X(gw, "IPv4 gateway a.b.c.d")                                                       \
	X(peer, "a.b.c.d[:port]: the other end for selftest=ping|tcp-send")                \
	X(migrate_key, "shared key that authenticates migration streams")                  \
	X(migrate_port, "TCP port for incoming migrations (default 7283)")                 \
	X(migrate_mem, "most memory one incoming migrated VM may have (default 64M)")       \
	X(migrate_timeout, "ms without progress after which a migration fails (default 10000)") \
	X(slice, "default MIPS slice in instructions")                                      \
	X(shell, "on|off: the serial console shell (default on)")

/* Parses boot_info.cmdline; reports unknown keys and malformed words. Returns the number of errors. */
int options_parse(const char *cmdline);
/* The value of key, or NULL when it was not given. A bare word "key" has value "". */
const char *option_get(const char *key);
/* Value parsed as an unsigned number (decimal, 0x hex, K/M/G suffixes), or def when absent. */
uint64_t option_get_u64(const char *key, uint64_t def);

/* The same key=value parsing for module command lines. "words" is the text; returns the value of
 * key or NULL. Values end at whitespace. Copies into buf (size bytes). */
const char *kv_find(const char *words, const char *key, char *buf, int size);
/* True when the word appears on its own (e.g. "guest" in "guest name=x"). */
bool kv_has_word(const char *words, const char *word);
/* Parses "64M", "0x1000", "4096", "2G"; returns 0 on success. */
int parse_size(const char *s, uint64_t *out);

#endif
