#!/usr/bin/env bash
# Builds Corral's offline container test image: a minimal Debian root made with debootstrap, imported into podman.
#
# Usage: build-container-image.sh [--name NAME] [--suite SUITE] [--systemd] [--packages A,B] [--force]
#   --name NAME      image to create (default localhost/corral-test:debian-12, or …:debian-12-systemd with --systemd)
#   --suite SUITE    Debian suite (default bookworm)
#   --systemd        add systemd as PID 1 (CMD /sbin/init) for `podman run --systemd=always`
#   --packages A,B   extra packages
#   --force          rebuild even when cached
# Prints the image name on stdout; logs go to stderr.
# Cache: the image carries label dev.corral.image.key=<hash of the inputs> and is not rebuilt while it matches;
# the root file system tarball is kept in ${XDG_CACHE_HOME:-~/.cache}/corral/rootfs/, .debs in …/corral/debs/.
# Needs root (or passwordless sudo) for debootstrap; the import goes to the calling user's podman storage.
# Environment: CORRAL_CACHE_DIR (cache root), CORRAL_DEBIAN_MIRROR (default http://deb.debian.org/debian).

. "$(dirname "$(readlink -f "$0")")/image-lib.sh"

BUILDER_VERSION=1
name="" suite=bookworm systemd=0 extra="" force=0
while (($#)); do
  case $1 in
    --name) name=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    --systemd) systemd=1; shift ;;
    --packages) extra=$2; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done

declare -A release=([bookworm]=12 [trixie]=13 [bullseye]=11)
tag="debian-${release[$suite]:-$suite}"
((systemd)) && tag+="-systemd"
name=${name:-localhost/corral-test:$tag}

packages="bash,coreutils,tar,gzip,findutils,grep,sed,procps,iproute2"
((systemd)) && packages+=",systemd,systemd-sysv,dbus"
[[ -n $extra ]] && packages+=",$extra"
key=$(key_of "container" "$BUILDER_VERSION" "$suite" "$packages" "$systemd" "$(uname -m)")
label=dev.corral.image.key

need podman flock sha256sum tar
if ((!force)) && [[ $(podman image inspect --format "{{index .Labels \"$label\"}}" "$name" 2>/dev/null) == "$key" ]]; then
  log "$name is up to date (key $key)"
  result "$name"
  exit 0
fi

with_lock "$CORRAL_CACHE/locks/rootfs-$key.lock"
tarball="$CORRAL_CACHE/rootfs/$suite-$key.tar"
work="$CORRAL_CACHE/work/rootfs-$key"
trap 'remove_tree "$work"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

if ((force)) || [[ ! -s $tarball ]]; then
  start=$SECONDS
  remove_tree "$work"
  mkdir -p "$work" "${tarball%/*}"
  debootstrap_into "$work/root" "$suite" "$packages"
  root="$work/root"
  if ((systemd)); then
    # Units that make no sense in a container; podman sets up /dev, /sys and cgroups itself.
    for unit in systemd-remount-fs.service getty@tty1.service console-getty.service; do
      as_root ln -sfn /dev/null "$root/etc/systemd/system/$unit"
    done
  fi
  slim_root "$root"
  as_root tar --numeric-owner --xattrs -C "$root" -cf - . >"$tarball.part"
  mv -f "$tarball.part" "$tarball"
  log "root file system built in $((SECONDS - start)) s: $tarball ($(du -h "$tarball" | cut -f1))"
fi

changes=(--change "LABEL $label=$key" --change "ENV LANG=C.UTF-8")
if ((systemd)); then
  changes+=(--change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3')
else
  changes+=(--change 'CMD ["/bin/bash"]')
fi
log "importing $name"
podman import "${changes[@]}" --message "corral test image $key" "$tarball" "$name" >/dev/null \
  || die "podman import failed (see above)"
result "$name"
