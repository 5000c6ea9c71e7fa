# The line server image. Stage "build" installs the locked dependencies and compiles the server
# packages; stage "runtime" holds only the gateway, its compiled workspace packages and their
# production dependencies (about 12 MB over node:20-slim). It runs as the unprivileged `node`
# user, reads the data file from a read-only mount at /data/file.txt and keeps the index in the
# volume at /var/lib/line-server/index. See docs/operations.md.
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
# The same pnpm as build.sh (its PNPM_VERSION); ops/test/dockerfile.test.ts checks they agree.
ARG PNPM_VERSION=10.34.8
RUN npm install -g --no-audit --no-fund --loglevel=error "pnpm@${PNPM_VERSION}"
WORKDIR /app
# Download the packages keyed on the lockfile alone, so editing source reuses this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
# pnpm checks that every patch the workspace names (patches/, see its README) exists.
COPY patches ./patches
RUN pnpm fetch
COPY . .
# The whole workspace, as build.sh compiles it, so the image never builds what CI has not.
RUN pnpm install --frozen-lockfile --offline --reporter=append-only \
 && pnpm exec tsc -b
# A self-contained copy of the gateway with production dependencies only (no typescript, ava,
# @types/*), its workspace dependencies copied in. --legacy: the workspace does not use
# inject-workspace-packages, which pnpm 10's default deploy requires.
RUN pnpm --filter @line-server/gateway deploy --prod --offline --legacy /out \
 && rm -rf /out/src /out/test /out/dist/test /out/tsconfig.json

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    LINE_SERVER_INDEX_DIR=/var/lib/line-server/index
WORKDIR /app
COPY --from=build /out/ /app/
# A new named volume takes the ownership of the directory it is mounted over, so the
# unprivileged user can write the index there; /data is only ever mounted read-only.
RUN mkdir -p /var/lib/line-server/index /data \
 && chown node:node /var/lib/line-server/index
USER node
VOLUME ["/var/lib/line-server/index"]
EXPOSE 8080
# node:20-slim has no curl: ask /readyz with node's fetch. 200 only once the index is loaded.
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/line-server.js"]
CMD ["serve", "/data/file.txt"]
