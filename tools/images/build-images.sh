#!/usr/bin/env bash
# Builds the master's and the worker's images with buildah (no Docker engine here), from the bundles in dist/.
# usage: tools/images/build-images.sh   (from anywhere; after `npm run build`)
# Tags: loadtest/master:<version> and loadtest/worker:<version> (buildah stores them as localhost/loadtest/…),
# the names deployments/k8s and docker/compose.yaml use. Installs nothing: it needs buildah and debootstrap
# (.ci/run installs them), and the npm registry for the images' production dependencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
buildah=(buildah --storage-driver vfs)
version="$(node -p 'require("./package.json").version')"

for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y --no-install-recommends buildah debootstrap" >&2; exit 1; }
done
for file in dist/apps/master/main.js dist/apps/worker/main.js dist/apps/dashboard/index.html; do
  [ -f "$file" ] || { echo "$file is missing: run npm run build first" >&2; exit 1; }
done

# Both images start from one base; it is made locally when absent (no registry is reachable).
base="$(awk '$1 == "FROM" {print $2; exit}' docker/master.Dockerfile)"
for dockerfile in docker/master.Dockerfile docker/worker.Dockerfile; do
  if awk '$1 == "FROM" {print $2}' "$dockerfile" | grep -qvx "$base"; then
    echo "$dockerfile: every FROM must be $base" >&2
    exit 1
  fi
done
started=$SECONDS
tools/images/base-image.sh "$base"

# The bundles' own package.json and lockfile, which the images' dependency stage installs.
npm run --silent images:prepare

# A machine behind a TLS-intercepting proxy trusts it through NODE_EXTRA_CA_CERTS: the build's npm needs it too.
ca_args=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/run/loadtest-build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/loadtest-build-ca.crt)
fi
# The build context holds only what the Dockerfiles copy, as at the repository's root (.dockerignore keeps a
# `docker build .` to the same): buildah would otherwise walk the whole workspace, node_modules included (~1 min).
context="$(mktemp -d /var/tmp/loadtest-context.XXXXXX)"
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/dist/apps" "$context/docker"
cp -a dist/apps/master dist/apps/worker dist/apps/dashboard "$context/dist/apps/"
cp docker/worker-slot.mjs "$context/docker/"
cp .dockerignore "$context/"
image_id() { "${buildah[@]}" images --noheading --no-trunc --format '{{.ID}}' "localhost/loadtest/$1:$version" 2>/dev/null || true; }
for app in master worker; do
  step=$SECONDS
  previous="$(image_id "$app")"
  # --layers: an unchanged lockfile reuses the dependency stage; --format docker keeps the HEALTHCHECK (OCI has none).
  "${buildah[@]}" bud --isolation chroot --pull=never --layers --format docker "${ca_args[@]}" \
    -f "docker/$app.Dockerfile" -t "loadtest/$app:$version" "$context" | while IFS= read -r line; do printf "%s %s\n" "$(date +%T)" "$line"; done >>"${IMAGES_BUILD_LOG:-/dev/null}"
  # The image it replaces, with the layers only it used: else every CI run would leave ~300 MB behind. The dependency
  # stage's layers are not its parents, so they stay cached (`buildah rmi --prune` would drop them).
  current="$(image_id "$app")"
  if [ -n "$previous" ] && [ "$previous" != "$current" ]; then "${buildah[@]}" rmi "${previous#sha256:}" >/dev/null 2>&1 || true; fi
  echo "image loadtest/$app:$version built in $((SECONDS - step)) s"
done
echo "images built in $((SECONDS - started)) s"
