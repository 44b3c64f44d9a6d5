#!/usr/bin/env bash
# tests/e2e/image/build-rootfs.sh OUT.tar SIMSERVER_STATIC
#
# Builds the root filesystem tarball of the end-to-end test image (no registry needed: import it
# with podman_import_image localhost/simserver:latest OUT.tar, see tests/e2e/harness/podman.sh):
#
#   /usr/local/bin/simserver   the simulated server, statically linked by the caller:
#                              gcc -static -O2 -o SIMSERVER_STATIC tests/sim/*.c common/rxstamp.c -I. -lm
#   /bin/bash                  static bash (Debian bash-static): the recipes run as
#                              `bash /workspace/benchmarks/...` and need bash (arrays, ${!name},
#                              ${BASH_SOURCE[0]}, <<<), which busybox ash does not have
#   /bin/busybox + applets     static busybox (Debian busybox-static): sh, dirname, basename, id,
#                              sleep, cat, ... (every applet, linked at its usual path)
#   /etc/passwd, /etc/group    root and nobody
#   /tmp (1777), /workspace, /root, /proc, /sys, /dev, /run, /var/tmp
#
# About 5 MB. Owner root, numeric ids, fixed mtime: the same inputs give the same tarball.
# Knobs: BUSYBOX (default /bin/busybox), BASH_STATIC (default /bin/bash-static).
set -euo pipefail

die() {
	echo "build-rootfs: $*" >&2
	exit 1
}

[ $# -eq 2 ] || {
	echo "usage: $0 OUT.tar SIMSERVER_STATIC" >&2
	exit 2
}
out=$1
sim=$2
busybox=${BUSYBOX:-/bin/busybox}
bash_static=${BASH_STATIC:-/bin/bash-static}

# is_static FILE: an ELF executable without a program interpreter.
is_static() {
	[ -x "$1" ] || return 1
	if command -v readelf >/dev/null; then
		readelf -h "$1" >/dev/null 2>&1 || return 1
		if readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; then return 1; fi
	else
		if ldd "$1" >/dev/null 2>&1; then return 1; fi # static: "not a dynamic executable"
	fi
	return 0
}

is_static "$sim" || die "$sim: not a statically linked executable (gcc -static -O2 -o $sim tests/sim/*.c -lm)"
is_static "$busybox" || die "$busybox: not a static executable (apt-get install busybox-static)"
is_static "$bash_static" || die "$bash_static: not a static executable (apt-get install bash-static)"

root=$(mktemp -d "${TMPDIR:-/tmp}/infbench-rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,var/tmp,workspace,root,proc,sys,dev,run}
chmod 1777 "$root/tmp" "$root/var/tmp"
install -m 0755 "$busybox" "$root/bin/busybox"
install -m 0755 "$bash_static" "$root/bin/bash"
install -m 0755 "$sim" "$root/usr/local/bin/simserver"

# every applet at its usual path (bin/ls, usr/bin/awk, ...), as a relative symlink to busybox
while read -r path; do
	[ -n "$path" ] || continue
	if [ -e "$root/$path" ] || [ -L "$root/$path" ]; then
		continue # keep /bin/bash, /bin/busybox
	fi
	case $path in
	*/*) dir=${path%/*} ;;
	*) dir=. ;;
	esac
	rel=bin/busybox
	case $dir in
	bin) rel=busybox ;;
	sbin) rel=../bin/busybox ;;
	usr/bin | usr/sbin) rel=../../bin/busybox ;;
	*) continue ;;
	esac
	ln -s "$rel" "$root/$path"
done < <("$busybox" --list-full)
[ -L "$root/bin/sh" ] || ln -s busybox "$root/bin/sh"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF

mkdir -p "$(dirname "$out")"
tar -C "$root" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$out.tmp" . \
	|| die "tar failed"
mv -f "$out.tmp" "$out"
