#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) as a local
# process, built from Maven Central jars. Usage: kafka.sh {start|stop|status}
#
# Environment:
#   KAFKA_PORT           client port on 127.0.0.1 (default 19092); the controller uses KAFKA_PORT+1
#   KAFKA_VERSION        org.apache.kafka:kafka_2.13 version (default 4.4.0)
#   KAFKA_LIBS_DIR       jar cache (default $JDI_WORK_DIR/kafka-libs)
#   KAFKA_START_TIMEOUT  seconds to wait for readiness (default 120)
#   JDI_WORK_DIR         work folder (default <repo>/.work)
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT=$((KAFKA_PORT + 1))
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
LOG4J_VERSION="2.24.3"
KAFKA_LIBS_DIR="${KAFKA_LIBS_DIR:-$JDI_WORK_DIR/kafka-libs}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"

KAFKA_HOME="$JDI_WORK_DIR/kafka"
DATA_DIR="$KAFKA_HOME/data"
LOG_DIR="$KAFKA_HOME/logs"
CONFIG_FILE="$KAFKA_HOME/server.properties"
LOG4J_CONFIG="$KAFKA_HOME/log4j2.properties"
PID_FILE="$KAFKA_HOME/kafka.pid"
SERVER_LOG="$LOG_DIR/server.log"
CONSOLE_LOG="$LOG_DIR/console.log"
LIBS_READY_MARKER="$KAFKA_LIBS_DIR/.complete-$KAFKA_VERSION"

# The PID is ours only if that process is a Kafka server running our config file.
PROCESS_PATTERN="kafka.Kafka $CONFIG_FILE"

running_pid() {
    pid_from_file "$PID_FILE" "$PROCESS_PATTERN"
}

resolve_libs() {
    [[ -f "$LIBS_READY_MARKER" ]] && return 0
    log "resolving Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS_DIR"
    local build_dir="$JDI_WORK_DIR/kafka-build"
    mkdir -p "$build_dir"
    # kafka_2.13 is the server (kafka.Kafka, kafka.tools.StorageTool); kafka-tools
    # gives BrokerApiVersionsCommand for the readiness probe (without Connect,
    # which it only needs for unrelated tools); log4j2 is the logging backend.
    cat >"$build_dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.jdi</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
    rm -rf "$KAFKA_LIBS_DIR"
    mvn -q -B -f "$build_dir/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS_DIR" >"$build_dir/mvn.log" 2>&1 ||
        { print_log_tail "$build_dir/mvn.log"; die "maven could not resolve Kafka $KAFKA_VERSION"; }
    touch "$LIBS_READY_MARKER"
}

write_config() {
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    cat >"$CONFIG_FILE" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=6
auto.create.topics.enable=true
# Documents up to 10 MB travel base64-encoded (about 13.4 MB) inside an event.
message.max.bytes=20971520
replica.fetch.max.bytes=20971520
offsets.topic.replication.factor=1
# Fewer offset partitions than the default 50 make the first group join fast.
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
    cat >"$LOG4J_CONFIG" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $SERVER_LOG
appender.file.filePattern = $SERVER_LOG.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
EOF
}

format_storage_once() {
    [[ -f "$DATA_DIR/meta.properties" ]] && return 0
    log "formatting KRaft storage in $DATA_DIR"
    local cluster_id
    cluster_id="$(java -cp "$KAFKA_LIBS_DIR/*" kafka.tools.StorageTool random-uuid)"
    java -cp "$KAFKA_LIBS_DIR/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG_FILE" >>"$CONSOLE_LOG" 2>&1 ||
        { print_log_tail "$CONSOLE_LOG"; die "kafka storage format failed"; }
}

# A real metadata round trip (ApiVersions to the broker), not just an open port.
broker_answers() {
    java -Xmx128m -cp "$KAFKA_LIBS_DIR/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
        --bootstrap-server "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1
}

wait_until_ready() {
    local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null ||
            { print_log_tail "$CONSOLE_LOG"; print_log_tail "$SERVER_LOG"; die "kafka exited during startup"; }
        if port_is_open 127.0.0.1 "$KAFKA_PORT" && broker_answers; then
            return 0
        fi
        sleep 0.5
    done
    print_log_tail "$SERVER_LOG"
    die "kafka not ready on 127.0.0.1:$KAFKA_PORT after ${KAFKA_START_TIMEOUT}s"
}

start() {
    take_lock kafka
    local pid
    if pid="$(running_pid)"; then
        log "kafka already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
        return 0
    fi
    if port_is_open 127.0.0.1 "$KAFKA_PORT"; then
        die "port $KAFKA_PORT is taken by another process; set KAFKA_PORT"
    fi
    local started_at=$SECONDS
    install_java_and_maven_if_missing
    resolve_libs
    write_config
    format_storage_once
    log "starting kafka on 127.0.0.1:$KAFKA_PORT (controller $CONTROLLER_PORT)"
    # 1 GiB: every test run creates topics of its own, and a broker kept across many runs holds
    # thousands of partitions (512 MiB ran out of heap at about 15,000).
    start_detached "$PID_FILE" "$CONSOLE_LOG" \
        java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
        -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$LOG4J_CONFIG" \
        -cp "$KAFKA_LIBS_DIR/*" kafka.Kafka "$CONFIG_FILE"
    pid="$(cat "$PID_FILE")"
    wait_until_ready "$pid"
    log "kafka ready (pid $pid) in $((SECONDS - started_at))s: 127.0.0.1:$KAFKA_PORT"
}

stop() {
    take_lock kafka
    stop_component kafka "$PID_FILE" "$PROCESS_PATTERN"
}

status() {
    component_status kafka "$PID_FILE" "$PROCESS_PATTERN" "127.0.0.1:$KAFKA_PORT"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "usage: $0 {start|stop|status}" >&2
        exit 2
        ;;
esac
