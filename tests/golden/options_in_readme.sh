#!/usr/bin/env bash
# Every option a subcommand's --help lists must appear in README.md in that subcommand's own
# section, so the README never falls behind the option tables (style.md "Commands and
# options are tables"); and every option a section names must be one the subcommand has.
# A subcommand's section is either
#   - its bullet, a line starting "- **`SUB`**" and the lines indented under it (executor), or
#   - its column of the options table whose header row has a cell "SUB" (matrixgen): a row
#     gives SUB the options its cell names, else, when that cell is not empty ("yes",
#     "required", "same", ...), the options of the row's first cell.
# An option found elsewhere in the README (another subcommand's section) does not count.
# Usage: options_in_readme.sh PROG README SUBCOMMAND...
#        options_in_readme.sh --self-test
set -u

opts_in() { # text -> its --options, one a line, sorted, unique
	grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1" | sort -u
}

# The text of SUB's section in README (empty when it has none).
section() {
	local readme=$1 sub=$2
	awk -v sub_="$sub" '
		function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
		# a bullet: "- **`SUB`**" up to the next line that is not indented
		index($0, "- **`" sub_ "`**") == 1 { inb = 1; print; next }
		inb && /^[ \t]+[^ \t]/ { print; next }
		{ inb = 0 }
		# a table: the header row names the columns, "|---" follows, rows until a non-row
		/^\|/ {
			n = split($0, c, "|")
			if (!intable) {
				col = 0
				for (i = 2; i < n; i++)
					if (trim(c[i]) == sub_)
						col = i
				intable = 1
				next
			}
			if (!col || $0 ~ /^\|[-| :]+\|$/)
				next
			cell = trim(c[col])
			if (cell == "")
				next
			print (cell ~ /--[a-z]/ ? cell : c[2])
			next
		}
		{ intable = 0; col = 0 }
	' "$readme"
}

check() { # PROG README SUBCOMMAND...
	local prog=$1 readme=$2
	shift 2
	local pass=0 fail=0 sub help text o
	for sub in "$@"; do
		help=$("$prog" "$sub" --help) || { echo "$sub --help failed"; fail=$((fail + 1)); continue; }
		text=$(section "$readme" "$sub")
		if [ -z "$text" ]; then
			echo "README.md has no section for $sub"
			fail=$((fail + 1))
			continue
		fi
		# the option rows of --help: lines starting "  --NAME"
		for o in $(grep -oE -- '^  --[a-z][a-z0-9-]*' <<<"$help" | tr -d ' '); do
			if grep -qE -- "$o([^a-z0-9-]|\$)" <<<"$text"; then
				pass=$((pass + 1))
			else
				echo "README.md: $sub's section does not mention $o"
				fail=$((fail + 1))
			fi
		done
		for o in $(opts_in "$text"); do
			if ! grep -qE -- "^  $o( |\$)" <<<"$help"; then
				echo "README.md: $sub's section mentions $o, which $sub --help does not list"
				fail=$((fail + 1))
			fi
		done
	done
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# The checker against a fake program and README: each way a section can be wrong is found.
self_test() {
	local t
	t=$(mktemp -d)
	trap 'rm -rf "$t"' RETURN
	cat >"$t/prog" <<'EOF'
#!/usr/bin/env bash
case $1 in
one) printf 'usage: prog one\n\noptions:\n  --alpha A       a (see --beta)\n  --beta          b\n  -h, --help      help\n' ;;
two) printf 'usage: prog two\n\noptions:\n  --gamma         g\n  --alpha A       a\n  -h, --help      help\n' ;;
*) exit 2 ;;
esac
EOF
	chmod +x "$t/prog"
	local fails=0
	expect() { # want-status name readme-text subcommands...
		local want=$1 name=$2
		printf '%s\n' "$3" >"$t/README.md"
		shift 3
		check "$t/prog" "$t/README.md" "$@" >"$t/out" 2>&1
		local rc=$?
		if { [ "$want" = ok ] && [ $rc -ne 0 ]; } || { [ "$want" = fail ] && [ $rc -eq 0 ]; }; then
			echo "self-test '$name': want $want, got status $rc:"
			cat "$t/out"
			fails=$((fails + 1))
		fi
	}
	expect ok "bullets" $'# x\n- **`one`** takes `--alpha A` and\n  `--beta`.\n- **`two`** `--gamma`, `--alpha`' one two
	expect fail "option only in another bullet" $'- **`one`** takes `--alpha A`\n- **`two`** `--gamma`, `--alpha`, `--beta`' one
	expect fail "option after the bullet ended" $'- **`one`** takes `--alpha A`\n\n`--beta`' one
	expect fail "no section" $'- **`two`** `--gamma`, `--alpha`\n`--beta` of one' one
	expect fail "option the subcommand lacks" $'- **`two`** `--gamma`, `--alpha`, `--beta`' two
	local head=$'| option | one | two |\n|---|---|---|\n| `--alpha A` | yes | same |'
	expect ok "table" "$head"$'\n| `--beta` | yes | |\n| `--gamma` | | required |' one two
	expect fail "table: empty cell" "$head"$'\n| `--beta` | | |\n| `--gamma` | | required |' one
	expect fail "table: another column" "$head"$'\n| `--beta` | yes | |\n| `--gamma` | yes | |' two
	expect ok "table: options named in the cell" $'| option | one | two |\n|---|---|---|\n| `--alpha A`, `--beta` | yes | `--alpha` |\n| `--gamma` | | yes |' one two
	expect fail "table: cell names fewer options" $'| option | one | two |\n|---|---|---|\n| `--alpha A`, `--beta` | `--alpha` | yes |' one
	echo "self-test: $fails failed"
	[ "$fails" -eq 0 ]
}

if [ "${1:-}" = --self-test ]; then
	self_test
else
	check "$@"
fi
