# syntax=docker/dockerfile:1
# Sluice: multi-stage image. Build with `docker build -t sluice .`, or let docker-compose.yml do it.

# --- build: Swift toolchain plus the C libraries Sluice links (librdkafka, zstd, lz4, jemalloc) ---
# Hummingbird 2.28 needs Swift >= 6.2.
ARG SWIFT_VERSION=6.2
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends librdkafka-dev libzstd-dev liblz4-dev libjemalloc-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product sluice --static-swift-stdlib \
 && mkdir -p /staging \
 && cp "$(swift build -c release --show-bin-path)/sluice" /staging/sluice

# --- runtime: only the shared libraries the binary needs ---
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends librdkafka1 libzstd1 liblz4-1 libjemalloc2 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/sluice sluice \
 && mkdir -p /var/lib/sluice /etc/sluice /app \
 && chown sluice /var/lib/sluice
COPY --from=build /staging/sluice /usr/local/bin/sluice
WORKDIR /app
USER sluice
# In a container the admin server must listen on all interfaces (see docs/operations.md).
ENV SLUICE_SERVER_ADDRESS=0.0.0.0 \
    SLUICE_SERVER_PORT=8080 \
    SLUICE_AUDIT_LOG=/var/lib/sluice/audit.jsonl
EXPOSE 8080
VOLUME ["/var/lib/sluice"]
ENTRYPOINT ["sluice"]
CMD ["--help"]
