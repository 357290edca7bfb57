# Production image: the service as a native executable, built here in a Mandrel builder and run on a minimal base.
#   docker build --build-arg VERSION=1.0.0 --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg SOURCE=<the repository's URL> -t creator-profiles:1.0.0 .
# The build needs network access to Maven Central (dependencies) and ~6 GB of memory for native-image.
# The same image runs the one-off commands: pass a subcommand as args (scan, repair --apply, ...).

## Stage 1: native build, as the builder image's unprivileged user in a directory it owns.
# The Mandrel builder Quarkus 3.33 builds with by default (JDK 25).
FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25 AS build
USER root
RUN install -d -o quarkus -g quarkus /code
USER quarkus
WORKDIR /code
# Dependencies in their own layer, rebuilt only when the POM or the wrapper changes: quarkus:go-offline resolves what
# the Quarkus build itself needs (extension deployment modules, the native-image parts), which a plain
# dependency:go-offline misses.
COPY --chown=quarkus:quarkus mvnw pom.xml ./
COPY --chown=quarkus:quarkus .mvn .mvn
RUN ./mvnw -B -q quarkus:go-offline
COPY --chown=quarkus:quarkus src/main src/main
RUN ./mvnw -B -Dnative -DskipTests package

## Stage 2: runtime, Quarkus' minimal base for native executables (glibc, zlib, no package manager).
FROM quay.io/quarkus/ubi9-quarkus-micro-image:2.0
ARG VERSION=1.0.0
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="creator-profiles" \
      org.opencontainers.image.description="One creator profile per user: atomic upserts, a unique index, duplicate repair" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Proprietary"
WORKDIR /work/
RUN chown 1001:root /work && chmod "g+rwX" /work
COPY --from=build --chown=1001:root --chmod=0755 /code/target/*-runner /work/application
# 8080: the API; 9000: the management interface (health, metrics).
EXPOSE 8080 9000
USER 1001
# MONGODB_URI, JWT_PUBLIC_KEY_LOCATION (mapped to jwt.public-key-location) and JWT_ISSUER come from the environment.
# -Xmx bounds the native heap, which is otherwise a share of the container's memory limit far above what the service
# uses. Measured with 128 MiB: at most 59 MiB of heap in use and 9.5 MiB live after a collection under load, 174 MiB
# RSS at 64 requests in flight (docs/deploy.md, "Resources"); the Deployment's request and limit rest on it: change
# them together.
ENTRYPOINT ["./application", "-Xmx128m", "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.management.host=0.0.0.0"]
