# Grantline service image. better-sqlite3 is a native addon: the build stage has a compiler,
# the runtime stage only the compiled node_modules.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production GRANTLINE_DATA_DIR=/var/lib/grantline PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /var/lib/grantline && chown node:node /var/lib/grantline
USER node
EXPOSE 8080
VOLUME ["/var/lib/grantline"]
CMD ["node", "dist/src/main.js"]
