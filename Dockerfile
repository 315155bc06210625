# Tiller: one image for every role (start, bot, worker, migrate, replay).
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production TILLER_VAR_DIR=/app/var
# A font for the text of the report charts (resvg renders with the system's fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY config ./config
COPY src ./src
COPY bots ./bots
COPY jobs ./jobs
COPY db ./db
COPY monitoring/metrics.ts ./monitoring/metrics.ts
COPY bin ./bin
COPY tsconfig.json ./
RUN mkdir -p /app/var && chown -R node:node /app/var
USER node
EXPOSE 8080
# Outside a container Tiller binds to 127.0.0.1; inside one it must listen on every interface to be reached.
ENV HOST=0.0.0.0
# node with the tsx loader in-process (not through npm), so SIGTERM reaches Tiller's graceful shutdown.
ENTRYPOINT ["node", "--import", "tsx", "src/cli.ts"]
CMD ["start"]
