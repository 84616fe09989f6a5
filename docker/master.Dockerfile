# The master: REST API, live updates and the dashboard, from the bundle `npm run build` writes to dist/.
# Build from the repository's root after `npm run build` (tools/images/build-images.sh does both):
#   docker build -f docker/master.Dockerfile -t loadtest/master:0.1.0 .
# The base is pinned to the node the workspace is tested with (tools/images/base-image.sh checks it).

# Production dependencies only: the bundle's own package.json and lockfile (tools/images/src/prod-package.ts).
FROM docker.io/library/node:20.20.2-bookworm-slim AS deps
# Behind a TLS-intercepting proxy, pass its CA (--build-arg NODE_EXTRA_CA_CERTS=… with the file mounted); empty is ignored.
ARG NODE_EXTRA_CA_CERTS=
WORKDIR /deps
COPY dist/apps/master/package.json dist/apps/master/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error --no-update-notifier && rm -rf /root/.npm

FROM docker.io/library/node:20.20.2-bookworm-slim
WORKDIR /app
# The layout of the workspace's dist/: the master finds the dashboard at dist/apps/dashboard by walking up from its
# bundle, and its migrations beside it (dist/apps/master/prisma/migrations), which it applies itself at start.
COPY --from=deps /deps/node_modules dist/apps/master/node_modules
COPY dist/apps/dashboard dist/apps/dashboard
COPY dist/apps/master dist/apps/master
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
# The user the Kubernetes manifests run as (runAsUser 10001), numeric: no account is needed, and it owns nothing in
# the image, so nothing there is writable.
USER 10001:10001
EXPOSE 8080
# No curl in a slim image: node asks. Only /tmp needs to be writable (a read-only root filesystem works).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The V8 flags of apps/master/node-flags.json (docs/architecture.md, "The master's heap"; a test keeps them alike).
CMD ["node", "--heap-growing-percent=50", "--enable-source-maps", "dist/apps/master/main.js"]
