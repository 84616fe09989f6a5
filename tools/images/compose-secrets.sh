#!/usr/bin/env bash
# Writes the secrets docker/compose.yaml reads, with new random passwords that match each other:
# the broker's definitions, the master's broker URL and one broker URL per worker slot (npm run broker -- k8s-secrets),
# the database's password and URL, and an admin API token.
# usage: tools/images/compose-secrets.sh <worker slots, e.g. 4> [folder, default docker/secrets]
# The files are readable by everyone (mode 644): the containers run as other users (10001, RabbitMQ's 999) and a
# compose file secret is a plain bind mount. Keep the folder on a machine only you use.
set -euo pipefail
cd "$(dirname "$0")/../.."
workers="${1:?usage: compose-secrets.sh <worker slots> [folder]}"
dir="${2:-docker/secrets}"
mkdir -p "$dir/workers"
npx tsx tools/broker/src/main.ts k8s-secrets --workers "$workers" --base "$dir" --overlay "$dir/workers" --host rabbitmq:5672 >/dev/null
random() { node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))"; }
password="$(random)"
printf '%s' "$password" >"$dir/postgres-password"
printf 'postgresql://loadtest:%s@postgres:5432/loadtest' "$password" >"$dir/database-url"
printf 'lt_%s' "$(random)" >"$dir/admin-token"
chmod 755 "$dir" "$dir/workers"
chmod 644 "$dir"/* "$dir"/workers/* 2>/dev/null || true
chmod 755 "$dir/workers"
echo "wrote $dir: rabbitmq-definitions.json, master-amqp-url, database-url, postgres-password, admin-token, workers/worker-0 … worker-$((workers - 1))"
