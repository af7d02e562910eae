# One image for every service: they share the workspace's lockfile and the platform package.
# SERVICE (customer, reservation or gateway; default gateway) picks which one a container runs.
#   docker build -t reservations-supergraph .
#   docker run --read-only --tmpfs /tmp -e SERVICE=customer ... reservations-supergraph
# Writable paths at run time (everything else may be mounted read-only):
#   /tmp    scratch space of node and its libraries
#   /data   DATA_DIR: embedded databases, used only when a subgraph has no *_DATABASE_URL

# ---- build: the whole toolchain (devDependencies, Prisma's generator, TypeScript) ----------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The whole tree goes in before `npm ci` because its postinstall generates the Prisma clients
# from the subgraphs' prisma/ folders through scripts/.
COPY . .
# NODE_ENV stays unset: with NODE_ENV=production `npm ci` would skip the devDependencies that
# generate and compile.
RUN npm ci --no-audit --no-fund
RUN npm run build

# ---- runtime: production dependencies and compiled JavaScript, nothing else -----------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/platform/package.json packages/platform/
COPY packages/test-support/package.json packages/test-support/
COPY subgraphs/customer/package.json subgraphs/customer/
COPY subgraphs/reservation/package.json subgraphs/reservation/
COPY gateway/package.json gateway/
# No install scripts: they would generate and download with tools a runtime must not carry
# (the generated Prisma clients come compiled in dist/ below). Omitting optional packages
# also drops the Prisma CLI, which npm otherwise keeps as @prisma/client's optional peer.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/packages/platform/dist packages/platform/dist
COPY --from=build /app/subgraphs/customer/dist subgraphs/customer/dist
COPY --from=build /app/subgraphs/customer/schema.graphql subgraphs/customer/schema.graphql
COPY --from=build /app/subgraphs/customer/prisma/migrations subgraphs/customer/prisma/migrations
COPY --from=build /app/subgraphs/reservation/dist subgraphs/reservation/dist
COPY --from=build /app/subgraphs/reservation/schema.graphql subgraphs/reservation/schema.graphql
COPY --from=build /app/subgraphs/reservation/prisma/migrations subgraphs/reservation/prisma/migrations
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/scripts/dist scripts/dist
COPY --from=build /app/supergraph.graphql supergraph.graphql

ENV SERVICE=gateway \
    DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
VOLUME ["/tmp", "/data"]
USER node
EXPOSE 4000 4003 4004

# Slim images have no curl: node itself asks $SERVICE's /health on its port.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "scripts/dist/service.js", "health"]
# The database migration job runs the same image: node scripts/dist/db.js deploy
CMD ["node", "scripts/dist/service.js"]
