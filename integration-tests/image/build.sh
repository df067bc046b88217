#!/usr/bin/env bash
# Builds the simulated FreeBSD host image without any container registry:
#   1. uirig-debian-base:<hash of the package list> from Debian packages (debootstrap + docker
#      import), once;
#   2. uirig-freebsd-sim:<hash of the simulator> on top of it (docker build, no pull).
# Prints the image name on its last line. Needs root, docker, debootstrap.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ctx=$(cd "$here/.." && pwd)
# The server programs the simulated pkg installs into jails are Debian's: postgresql (15; no
# cluster is kept, install.sh), nodejs, nginx (bookworm's nginx-light is only nginx plus an extra
# module; Debian's nginx is never started: the container has no init). opendoas and sudo stand in
# for security/doas and security/sudo (install.sh puts them where those ports do).
packages=openssh-server,iproute2,spiped,procps,iputils-ping,netcat-openbsd,python3,tini,iptables,nftables,conntrack,dnsmasq-base,gcc,libc6-dev
packages=$packages,postgresql,postgresql-client,nodejs,nginx,opendoas,sudo
base=uirig-debian-base:$(echo "$packages" | sha256sum | cut -c1-12)

if ! docker image inspect "$base" >/dev/null 2>&1; then
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    echo "build.sh: debootstrap bookworm from $mirror" >&2
    debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" >&2
    tar --numeric-owner -C "$rootfs" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
        | docker import - "$base" >&2
fi

hash=$(cd "$ctx" && cat image/Dockerfile image/build.sh sim/* | sha256sum | cut -c1-12)
image=uirig-freebsd-sim:$hash
if ! docker image inspect "$image" >/dev/null 2>&1; then
    DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base" -f "$here/Dockerfile" -t "$image" "$ctx" >&2
fi
echo "$image"
