# Production image: the service as a native executable, built here in a Mandrel builder and run on a minimal base.
#   docker build --build-arg VERSION=1.0.0 -t creator-profiles:1.0.0 .
# The build needs network access to Maven Central (dependencies) and ~6 GB of memory for native-image.
# The same image runs the one-off commands: pass a subcommand as args (scan, repair --apply, ...).

## Stage 1: native build, as the builder image's unprivileged user in a directory it owns
FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-21 AS build
USER root
RUN install -d -o quarkus -g quarkus /code
USER quarkus
WORKDIR /code
# Dependencies in their own layer: it is rebuilt only when the POM or the wrapper changes, not on every source edit.
COPY --chown=quarkus:quarkus mvnw pom.xml ./
COPY --chown=quarkus:quarkus .mvn .mvn
RUN ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline
COPY --chown=quarkus:quarkus src/main src/main
RUN ./mvnw -B -Dnative -DskipTests package

## Stage 2: runtime
FROM quay.io/quarkus/ubi9-quarkus-micro-image:2.0
ARG VERSION=1.0.0
LABEL org.opencontainers.image.title="creator-profiles" \
      org.opencontainers.image.description="One creator profile per user: atomic upserts, a unique index, duplicate repair" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Proprietary"
WORKDIR /work/
RUN chown 1001:root /work && chmod "g+rwX" /work
COPY --from=build --chown=1001:root --chmod=0755 /code/target/*-runner /work/application
# 8080: the API; 9000: the management interface (health, metrics).
EXPOSE 8080 9000
USER 1001
# MONGODB_URI, JWT_PUBLIC_KEY_LOCATION (mapped to jwt.public-key-location) and JWT_ISSUER come from the environment.
ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.management.host=0.0.0.0"]
