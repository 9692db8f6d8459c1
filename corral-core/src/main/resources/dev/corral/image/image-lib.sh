# shellcheck shell=bash
# Shared helpers of Corral's image builders (build-container-image.sh, build-vm-image.sh). Sourced, never run.
#
# Conventions: logs go to stderr; the only line on stdout is the result (an image name or a file path), so
# `img=$(build-….sh …)` works and Java's ImageBuilder reads the result without parsing logs.

set -euo pipefail
shopt -s nullglob
export LC_ALL=C
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# fd 3 is the real stdout (the result); everything else, including tools' stdout, goes to stderr.
exec 3>&1 1>&2

CORRAL_CACHE=${CORRAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/corral}
CORRAL_MIRROR=${CORRAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
_corral_name=${0##*/}

log() { printf '%s: %s\n' "$_corral_name" "$*" >&2; }
die() { printf '%s: error: %s\n' "$_corral_name" "$*" >&2; exit 1; }
result() { printf '%s\n' "$1" >&3; }

# need TOOL…: fail with a hint when a tool is missing.
need() {
  local t missing=()
  for t; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  ((${#missing[@]} == 0)) || die "missing tool(s): ${missing[*]}; install them (scripts/install-deps does) and retry"
}

# as_root CMD…: run as root, directly or through passwordless sudo.
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n -- "$@"
  else
    die "'$1' needs root: run as root or give this user passwordless sudo"
  fi
}

# key_of WORD…: a short, stable hash of the build inputs, which include this library and the calling script, so
# any change to the builders makes a new image.
key_of() {
  { printf '%s\n' "$@"; cat "${BASH_SOURCE[0]}" "$0"; } | sha256sum | cut -c1-16
}

# with_lock FILE: take an exclusive lock on FILE for the rest of the script (waits for a concurrent build).
with_lock() {
  mkdir -p "${1%/*}"
  exec 9>"$1"
  if ! flock -n 9; then
    log "waiting for another build holding $1"
    flock 9
  fi
}

# unmount_below DIR: unmount everything mounted at or below DIR, deepest first.
unmount_below() {
  local dir m
  dir=$(readlink -f "$1" 2>/dev/null) || return 0
  while read -r m; do
    as_root umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

# remove_tree DIR: unmount what a killed debootstrap left and delete DIR without crossing file systems.
remove_tree() {
  [[ -e $1 ]] || return 0
  unmount_below "$1"
  as_root rm -rf --one-file-system -- "$1"
}

# debootstrap_into DIR SUITE PACKAGES(comma-separated): a minbase Debian root; .debs are cached.
debootstrap_into() {
  local dir=$1 suite=$2 include=$3 debs="$CORRAL_CACHE/debs/$2"
  need debootstrap
  mkdir -p "$debs"
  log "debootstrap $suite (minbase + $include) from $CORRAL_MIRROR"
  if ! as_root debootstrap --variant=minbase --include="$include" --cache-dir="$debs" \
      "$suite" "$dir" "$CORRAL_MIRROR"; then
    if [[ -r $dir/debootstrap/debootstrap.log ]]; then
      log "last lines of debootstrap.log:"
      tail -n 25 "$dir/debootstrap/debootstrap.log" >&2
    fi
    die "debootstrap failed (see above); is $CORRAL_MIRROR reachable?"
  fi
}

# slim_root DIR: drop caches and logs that only make images bigger.
slim_root() {
  local d=$1
  as_root rm -rf --one-file-system -- "$d"/var/lib/apt/lists/* "$d"/var/cache/apt/*.bin \
    "$d"/var/cache/apt/archives/*.deb "$d"/var/log/*.log "$d"/var/log/apt/* "$d"/tmp/* "$d"/var/tmp/*
  # Each machine must get its own id: systemd creates one on first boot when the file is empty.
  if [[ -e $d/etc/machine-id ]]; then as_root truncate -s 0 "$d/etc/machine-id"; fi
  as_root rm -f "$d/var/lib/dbus/machine-id"
}

# write_file PATH MODE: write stdin to PATH (as root), creating parent directories.
write_file() {
  as_root mkdir -p "${1%/*}"
  as_root tee "$1" >/dev/null
  as_root chmod "$2" "$1"
}
