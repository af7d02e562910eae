# One image for every service: they share the workspace's lockfile and the platform package,
# and each compose service only picks a different entry point.
FROM node:20-bookworm-slim

WORKDIR /app

# The whole tree goes in before `npm ci` because its postinstall generates the Prisma clients
# from the subgraphs' prisma/ folders through scripts/; copying only the manifests first
# would cache better but break whenever those inputs move.
COPY . .

# NODE_ENV stays unset while installing: with NODE_ENV=production `npm ci` would skip
# devDependencies, and the install's Prisma client generation needs the prisma CLI, one of them.
RUN npm ci --no-audit --no-fund

ENV NODE_ENV=production

# Nothing needs to write to /app at run time.
USER node

CMD ["npx", "tsx", "gateway/src/index.ts"]
