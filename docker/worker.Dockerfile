# A worker: generates the load of its share of a run, talking to the master over RabbitMQ.
# Build from the repository's root after `npm run build` (tools/images/build-images.sh does both):
#   docker build -f docker/worker.Dockerfile -t loadtest/worker:0.1.0 .
# The base is pinned to the node the workspace is tested with (tools/images/base-image.sh checks it).

# Production dependencies only: the bundle's own package.json and lockfile (tools/images/src/prod-package.ts).
FROM docker.io/library/node:20.20.2-bookworm-slim AS deps
# Behind a TLS-intercepting proxy, pass its CA (--build-arg NODE_EXTRA_CA_CERTS=… with the file mounted); empty is ignored.
ARG NODE_EXTRA_CA_CERTS=
WORKDIR /deps
COPY dist/apps/worker/package.json dist/apps/worker/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error --no-update-notifier && rm -rf /root/.npm

FROM docker.io/library/node:20.20.2-bookworm-slim
WORKDIR /app
COPY --from=deps /deps/node_modules dist/apps/worker/node_modules
# main.js and the engine threads' entries (thread.js, engine-thread.js) it starts beside itself.
COPY dist/apps/worker dist/apps/worker
# For docker/compose.yaml's scaled workers: takes a free broker identity, then runs main.js (docker/README.md).
COPY docker/worker-slot.mjs dist/apps/worker/worker-slot.mjs
# Probes and metrics on 9464, reachable from outside the container (the Kubernetes manifests set the same).
ENV NODE_ENV=production \
    WORKER_HTTP_PORT=9464 \
    WORKER_HTTP_HOST=0.0.0.0
# The user the Kubernetes manifests run as (runAsUser 10001), numeric: no account is needed, and it owns nothing in
# the image, so nothing there is writable.
USER 10001:10001
EXPOSE 9464
# No curl in a slim image: node asks. Only /tmp needs to be writable (a read-only root filesystem works).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_HTTP_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/apps/worker/main.js"]
