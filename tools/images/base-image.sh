#!/usr/bin/env bash
# Makes the base image the Dockerfiles' FROM names, when buildah's storage does not hold it yet. Pulled where a
# registry answers; else (no registry is reachable from the project's machines) built like the official one: a
# minimal Debian bookworm (debootstrap, from the machine's Debian mirror) with this machine's node and npm in the
# official image's places (/usr/local). Reused when present, so a warm CI run skips it.
# usage: tools/images/base-image.sh <image name, e.g. docker.io/library/node:20.20.2-bookworm-slim>
set -euo pipefail
name="${1:?usage: base-image.sh <image name>}"
buildah=(buildah --storage-driver vfs)

if "${buildah[@]}" inspect --type image "$name" >/dev/null 2>&1; then
  echo "base image $name: reused from buildah's storage"
  exit 0
fi

# Where a registry is reachable (GitHub's runners), the real image.
if timeout 300 "${buildah[@]}" pull --quiet "$name" >/dev/null 2>&1; then
  echo "base image $name: pulled"
  exit 0
fi

# The image's tag states a node version: a base made from another node would lie about it.
tag_version="$(sed -E 's/.*:([0-9]+\.[0-9]+\.[0-9]+)-.*/\1/' <<<"$name")"
host_version="$(node -v | sed 's/^v//')"
if [ "$tag_version" != "$host_version" ]; then
  echo "the host's node is $host_version but the Dockerfiles want $tag_version: update their FROM lines" >&2
  exit 1
fi

# The Debian mirror apt uses here (deb822 .sources files or a classic sources.list line).
mirror="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}')"
[ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
# A machine on another distribution (an Ubuntu runner) has no bookworm in its mirror: Debian's own then.
case "$mirror" in *debian*) ;; *) mirror="http://deb.debian.org/debian" ;; esac

work="$(mktemp -d /var/tmp/loadtest-base.XXXXXX)"
container=""
cleanup() {
  [ -z "$container" ] || "${buildah[@]}" rm "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "base image $name: debootstrap bookworm from $mirror"
started=$SECONDS
rootfs="$work/rootfs"
timeout 900 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}
# What a slim image leaves out: package lists, caches, documentation.
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*

node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules"
cp "$node_bin" "$rootfs/usr/local/bin/node"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# The official image's unprivileged user.
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

container="$("${buildah[@]}" from scratch)"
"${buildah[@]}" copy --quiet "$container" "$rootfs" / >/dev/null
"${buildah[@]}" config --env NODE_VERSION="$host_version" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd node --label org.opencontainers.image.description="made locally by tools/images/base-image.sh" "$container"
"${buildah[@]}" commit --quiet --rm "$container" "$name" >/dev/null
container=""
echo "base image $name: made in $((SECONDS - started)) s"
