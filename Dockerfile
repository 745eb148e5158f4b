# The lms-ingest image: every service, the simulator and the command line, on a JRE, as a non-root user.
#   docker build -t lms-ingest .
#   docker run --rm lms-ingest io.lmsingest.cli.LmsIngest --help
# A service is its main class plus its config file, e.g. io.lmsingest.sink.SinkApp /etc/lms/sink.properties
# (see docker-compose.yml and docs/services.md).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The registry-server module (Apicurio) is not part of this image: compose runs Apicurio's own image.
RUN mvn -B -q -DskipTests -Dspotless.check.skip=true -pl cli -am install

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/lms --create-home lms
COPY --from=build /src/cli/target/lib /app/lib
USER 10001
WORKDIR /var/lib/lms
# JSON log lines; the heap follows the container's memory limit; an OOM ends the process (the
# orchestrator restarts it, and nothing uncommitted is lost).
ENV JAVA_TOOL_OPTIONS="-Dlms.log.format=json -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-cp", "/app/lib/*"]
CMD ["io.lmsingest.cli.LmsIngest", "--help"]
