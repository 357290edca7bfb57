# Production image: the service as a native executable, built here in a Mandrel builder and run on a minimal base.
#   docker build -t creator-profiles:1.0.0 .
# The build needs network access to Maven Central (dependencies) and ~6 GB of memory for native-image.

## Stage 1: native build
FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-21 AS build
WORKDIR /code
COPY --chown=quarkus:quarkus mvnw pom.xml ./
COPY --chown=quarkus:quarkus .mvn .mvn
COPY --chown=quarkus:quarkus src/main src/main
USER quarkus
RUN ./mvnw -B -Dnative -DskipTests package

## Stage 2: runtime
FROM quay.io/quarkus/ubi9-quarkus-micro-image:2.0
WORKDIR /work/
RUN chown 1001 /work && chmod "g+rwX" /work && chown 1001:root /work
COPY --from=build --chown=1001:root --chmod=0755 /code/target/*-runner /work/application
EXPOSE 8080
USER 1001
# MONGODB_URI, JWT_PUBLIC_KEY_LOCATION (mapped to jwt.public-key-location) and JWT_ISSUER come from the environment.
ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0"]
