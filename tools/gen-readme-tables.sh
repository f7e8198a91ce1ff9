#!/usr/bin/env bash
# gen-readme-tables.sh: rewrites README.md's generated tables (between their BEGIN/END marker
# comments) from the code's tables; build/host/test_readme_tables checks they agree.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory build/host/test_readme_tables >/dev/null
table=$(mktemp)
trap 'rm -f "$table"' EXIT
build/host/test_readme_tables --print >"$table"
# Each "<!-- BEGIN name: ... -->" ... "<!-- END name -->" region of the README is replaced by the
# region of the same name in the printed tables.
awk -v tables="$table" '
	BEGIN {
		while ((getline line < tables) > 0) {
			if (line ~ /^<!-- BEGIN /) { split(line, w, /[ :]/); name = w[3]; block[name] = "" }
			block[name] = block[name] line "\n"
		}
	}
	/^<!-- BEGIN / { split($0, w, /[ :]/); printf "%s", block[w[3]]; skip = 1; next }
	skip && /^<!-- END / { skip = 0; next }
	!skip' README.md >README.md.new
mv README.md.new README.md
