#!/usr/bin/env bash
# gen-readme-tables.sh: rewrites README.md's generated tables (between their BEGIN/END marker
# comments) from the code's tables; build/host/test_readme_tables checks they agree.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory build/host/test_readme_tables >/dev/null
table=$(mktemp)
trap 'rm -f "$table"' EXIT
build/host/test_readme_tables --print >"$table"
awk -v table="$table" '
	/^<!-- BEGIN options:/ { while ((getline line < table) > 0) print line; skip = 1; next }
	/^<!-- END options -->/ { skip = 0; next }
	!skip' README.md >README.md.new
mv README.md.new README.md
