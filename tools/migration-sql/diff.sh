#!/usr/bin/env bash
# Offline migration SQL via Prisma 6.19.3 Wasm schema engine.
# usage: tools/prisma6/diff.sh <from: "empty" | old schema.prisma> <to: new schema.prisma>  > migration.sql
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
# Prisma 6 requires `url` in the datasource block; Prisma 7 forbids it. Inject a dummy one.
inject() { sed -E 's|^([[:space:]]*)provider[[:space:]]*=[[:space:]]*"postgresql"|&\n\1url = "postgresql://offline@localhost/offline"|' "$1" > "$2"; }
inject "$2" "$tmp/to.prisma"
if [ "$1" = "empty" ]; then from=(--from-empty); else inject "$1" "$tmp/from.prisma"; from=(--from-schema-datamodel "$tmp/from.prisma"); fi
cd "$here"
# Both env vars stop the v6 CLI from trying to download native engines at startup.
PRISMA_QUERY_ENGINE_LIBRARY=/bin/false PRISMA_SCHEMA_ENGINE_BINARY=/bin/false PRISMA_HIDE_UPDATE_MESSAGE=1 \
  ./node_modules/.bin/prisma migrate diff --config "$here/prisma.config.ts" "${from[@]}" --to-schema-datamodel "$tmp/to.prisma" --script
