#!/usr/bin/env bash
# fences.sh: checks that every file includes only what its room may (docs/ARCHITECTURE.md, "Who
# may include whom"). mips/ and kernel/fs/ are also fenced by their -I flags; this covers the rest.
# Prints one line per forbidden include and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."

# room (a folder, longest match wins): the include prefixes its files may use ("own" = the room).
# lwip/ and netif/ are lwIP's own headers, for kernel/net only.
RULES='
kernel/arch  own kernel/mm/ kernel/console.h kernel/bootinfo.h
kernel/mm    own kernel/arch/ kernel/console.h kernel/bootinfo.h
kernel/lib   own kernel/mm/
kernel/fs    own
kernel/dev   own kernel/arch/ kernel/mm/ kernel/fs/ kernel/console.h kernel/bootinfo.h
kernel/net   own kernel/dev/ kernel/arch/ kernel/mm/ kernel/console.h kernel/options.h lwip/ netif/
kernel/mips  own kernel/net/ kernel/dev/ kernel/arch/ kernel/mm/ kernel/console.h kernel/options.h kernel/bootinfo.h mips/mips.h mips/host.h
kernel       own vmx/vmx.h vmx/abi.h mips/mips.h
vmx          own kernel/arch/ kernel/mm/ kernel/console.h kernel/options.h kernel/bootinfo.h
mips         own
tools        own mips/mips.h mips/host.h
guest        own vmx/abi.h
'

git ls-files 'kernel/*.[ch]' 'vmx/*.[ch]' 'mips/*.[ch]' 'tools/*.[ch]' 'guest/*.[ch]' 'guest/*.S' |
	xargs grep -HE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' |
	sed -E 's/^([^:]+):[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1 \2/' |
	awk -v rules="$RULES" '
	BEGIN {
		n = split(rules, lines, "\n")
		for (i = 1; i <= n; i++)
			if (split(lines[i], w, " ") > 0) {
				room[w[1]] = 1
				for (j = 2; j in w; j++)
					allow[w[1]] = allow[w[1]] " " w[j]
			}
	}
	{
		f = $1; inc = $2; best = ""
		for (r in room)
			if (index(f, r "/") == 1 && length(r) > length(best))
				best = r
		if (inc !~ /\// || index(inc, best "/") == 1)
			next	# a header beside the file (or on the room'"'"'s -I path), or the room'"'"'s own
		split(allow[best], a, " ")
		for (k in a)
			if (a[k] != "own" && index(inc, a[k]) == 1)
				next
		printf "fences: %s includes \"%s\", outside what %s/ may include:%s\n", f, inc, best, allow[best]
		bad = 1
	}
	END { exit bad }'
