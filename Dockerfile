# syntax=docker/dockerfile:1
#
# encompass-notify: one image for every process (api, worker, all, cli).
#   docker build -t encompass-notify .
#   docker run --rm encompass-notify node dist/src/cli.js migrate
# Linted offline by .ci/validate-containers.sh.

# The base is pinned by tag; override with a digest for reproducible releases:
#   docker build --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:... .
# Node 24 is the LTS line (Node 20 reached end of life in April 2026); the package also runs on
# Node 20, the developers' machines, with no engine warnings.
ARG NODE_IMAGE=node:24-bookworm-slim
# package.json uses npm 11 features (allowScripts, overrides) and the lockfile is written by npm 11.
# Match the developers' npm exactly rather than whatever the base image ships.
ARG NPM_VERSION=11.19.1

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
RUN npm install --global "npm@${NPM_VERSION}" \
 && npm cache clean --force \
 && npm --version
WORKDIR /app

# ---------------------------------------------------------------------------------------------
FROM base AS build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---------------------------------------------------------------------------------------------
FROM base AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="encompass-notify" \
      org.opencontainers.image.description="Operation Encompass notifications: police domestic-incident records in, Key Adult e-mails out before the next school day" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="node:24-bookworm-slim"
ENV NODE_ENV=production \
    PORT=3000

# Production dependencies only: no typescript, tap, embedded-postgres. The install runs as root so
# the app's files stay root-owned and read-only to the `node` user the process runs as.
# Debian's Chromium prints the monthly board pack to PDF (CHROMIUM_PATH, default /usr/bin/chromium);
# build with --build-arg WITH_CHROMIUM=false for an image without it (the pack then answers 503).
ARG WITH_CHROMIUM=true
RUN if [ "$WITH_CHROMIUM" = "true" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends chromium fonts-liberation \
      && rm -rf /var/lib/apt/lists/*; \
    fi
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev

# The build holds the pages' templates and CSS beside the code (npm run build copies them).
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY data ./data

USER node
EXPOSE 3000
# No curl in the slim image: use Node's built-in fetch. PORT defaults to 3000.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js", "all"]
