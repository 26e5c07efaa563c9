#!/usr/bin/env bash
# Apache Kafka (KRaft, each node a combined broker+controller) as local processes, built from
# Maven Central jars: one node by default, or a cluster of KAFKA_BROKERS nodes on this machine.
# Usage: kafka.sh {start|stop|status|bootstrap|kill-node N}
#   start        start every node that is not running (a killed one too) and wait for all of them
#   bootstrap    print the bootstrap servers (every node's client address)
#   kill-node N  kill -9 node N, for fault drills; `start` brings it back
#
# Environment:
#   KAFKA_BROKERS        nodes (default 1). From 3 on, topics get replication factor 3 and
#                        min.insync.replicas=2, the shape production runs; one node stays the default
#   KAFKA_PORT           node 1's client port on 127.0.0.1 (default 19092); node N listens on
#                        KAFKA_PORT+2(N-1) and its controller on the port after it
#   KAFKA_VERSION        org.apache.kafka:kafka_2.13 version (default 4.4.0)
#   KAFKA_LIBS_DIR       jar cache (default $JDI_WORK_DIR/kafka-libs)
#   KAFKA_START_TIMEOUT  seconds to wait for readiness (default 120)
#   JDI_WORK_DIR         work folder (default <repo>/.work)
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_BROKERS="${KAFKA_BROKERS:-1}"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
LOG4J_VERSION="2.24.3"
KAFKA_LIBS_DIR="${KAFKA_LIBS_DIR:-$JDI_WORK_DIR/kafka-libs}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
LIBS_READY_MARKER="$KAFKA_LIBS_DIR/.complete-$KAFKA_VERSION"

[[ "$KAFKA_BROKERS" =~ ^[1-9]$ ]] || die "KAFKA_BROKERS is a number of nodes from 1 to 9, not '$KAFKA_BROKERS'"
# A cluster has a folder of its own: its nodes share a cluster id and a quorum that a single
# node's data knows nothing of. The single node keeps the layout it always had.
if ((KAFKA_BROKERS == 1)); then
    KAFKA_HOME="$JDI_WORK_DIR/kafka"
else
    KAFKA_HOME="$JDI_WORK_DIR/kafka-cluster-$KAFKA_BROKERS"
fi
CLUSTER_ID_FILE="$KAFKA_HOME/cluster.id"
REPLICATION_FACTOR=$((KAFKA_BROKERS < 3 ? KAFKA_BROKERS : 3))
MIN_INSYNC_REPLICAS=$((REPLICATION_FACTOR > 1 ? REPLICATION_FACTOR - 1 : 1))

nodes() { seq 1 "$KAFKA_BROKERS"; }
client_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
controller_port() { echo $((KAFKA_PORT + 2 * ($1 - 1) + 1)); }
node_home() { if ((KAFKA_BROKERS == 1)); then echo "$KAFKA_HOME"; else echo "$KAFKA_HOME/node-$1"; fi; }
config_file() { echo "$(node_home "$1")/server.properties"; }
pid_file() { echo "$(node_home "$1")/kafka.pid"; }
console_log() { echo "$(node_home "$1")/logs/console.log"; }
server_log() { echo "$(node_home "$1")/logs/server.log"; }
# The PID is ours only if that process is a Kafka server running our config file.
process_pattern() { echo "kafka.Kafka $(config_file "$1")"; }

running_pid() {
    pid_from_file "$(pid_file "$1")" "$(process_pattern "$1")"
}

joined() {
    local IFS=,
    echo "$*"
}

bootstrap_servers() {
    local node servers=()
    for node in $(nodes); do servers+=("127.0.0.1:$(client_port "$node")"); done
    joined "${servers[@]}"
}

quorum_voters() {
    local node voters=()
    for node in $(nodes); do voters+=("$node@127.0.0.1:$(controller_port "$node")"); done
    joined "${voters[@]}"
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
    local node="$1" home
    home="$(node_home "$node")"
    mkdir -p "$home/data" "$home/logs"
    cat >"$(config_file "$node")" <<EOF
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$(quorum_voters)
listeners=PLAINTEXT://127.0.0.1:$(client_port "$node"),CONTROLLER://127.0.0.1:$(controller_port "$node")
advertised.listeners=PLAINTEXT://127.0.0.1:$(client_port "$node")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$home/data
num.partitions=6
auto.create.topics.enable=true
# Topics created on first use get every replica the cluster can give, and a write acknowledged by
# all in-sync replicas (acks=all) is on two nodes at least.
default.replication.factor=$REPLICATION_FACTOR
min.insync.replicas=$MIN_INSYNC_REPLICAS
# Documents up to 10 MB travel base64-encoded (about 13.4 MB) inside an event.
message.max.bytes=20971520
replica.fetch.max.bytes=20971520
offsets.topic.replication.factor=$REPLICATION_FACTOR
# Fewer offset partitions than the default 50 make the first group join fast.
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=$REPLICATION_FACTOR
transaction.state.log.min.isr=$MIN_INSYNC_REPLICAS
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=$REPLICATION_FACTOR
share.coordinator.state.topic.min.isr=$MIN_INSYNC_REPLICAS
group.initial.rebalance.delay.ms=0
EOF
    cat >"$home/log4j2.properties" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $home/logs/server.log
appender.file.filePattern = $home/logs/server.log.%i
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

# Every node of a cluster is formatted with the same cluster id.
format_storage_once() {
    local node="$1" data_dir
    data_dir="$(node_home "$node")/data"
    [[ -f "$data_dir/meta.properties" ]] && return 0
    [[ -s "$CLUSTER_ID_FILE" ]] || java -cp "$KAFKA_LIBS_DIR/*" kafka.tools.StorageTool random-uuid >"$CLUSTER_ID_FILE"
    log "formatting KRaft storage in $data_dir"
    java -cp "$KAFKA_LIBS_DIR/*" kafka.tools.StorageTool format -t "$(cat "$CLUSTER_ID_FILE")" \
        -c "$(config_file "$node")" >>"$(console_log "$node")" 2>&1 ||
        { print_log_tail "$(console_log "$node")"; die "kafka storage format failed"; }
}

# A real metadata round trip (ApiVersions to the node), not just an open port; it lists every
# broker the cluster has registered.
registered_brokers() {
    java -Xmx128m -cp "$KAFKA_LIBS_DIR/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
        --bootstrap-server "127.0.0.1:$(client_port "$1")" 2>/dev/null | grep -c ' (id: ' || true
}

# Ready when every node answers and knows all the others.
wait_until_ready() {
    local deadline=$((SECONDS + KAFKA_START_TIMEOUT)) node ready
    while ((SECONDS < deadline)); do
        ready=0
        for node in $(nodes); do
            running_pid "$node" >/dev/null || {
                print_log_tail "$(console_log "$node")"
                print_log_tail "$(server_log "$node")"
                die "kafka node $node exited during startup"
            }
            if port_is_open 127.0.0.1 "$(client_port "$node")" &&
                (($(registered_brokers "$node") == KAFKA_BROKERS)); then
                ready=$((ready + 1))
            fi
        done
        ((ready == KAFKA_BROKERS)) && return 0
        sleep 0.5
    done
    for node in $(nodes); do print_log_tail "$(server_log "$node")"; done
    die "kafka not ready on $(bootstrap_servers) after ${KAFKA_START_TIMEOUT}s"
}

start_node() {
    local node="$1" home port
    home="$(node_home "$node")"
    port="$(client_port "$node")"
    port_is_open 127.0.0.1 "$port" && die "port $port is taken by another process; set KAFKA_PORT"
    write_config "$node"
    format_storage_once "$node"
    log "starting kafka node $node on 127.0.0.1:$port (controller $(controller_port "$node"))"
    # 1 GiB: every test run creates topics of its own, and a broker kept across many runs holds
    # thousands of partitions (512 MiB ran out of heap at about 15,000).
    start_detached "$(pid_file "$node")" "$(console_log "$node")" \
        java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
        -Dkafka.logs.dir="$home/logs" -Dlog4j2.configurationFile="$home/log4j2.properties" \
        -cp "$KAFKA_LIBS_DIR/*" kafka.Kafka "$(config_file "$node")"
}

start() {
    take_lock kafka
    local started_at=$SECONDS node pid stopped=()
    for node in $(nodes); do
        if pid="$(running_pid "$node")"; then
            log "kafka node $node already running (pid $pid) on 127.0.0.1:$(client_port "$node")"
        else
            stopped+=("$node")
        fi
    done
    ((${#stopped[@]} > 0)) || return 0
    install_java_and_maven_if_missing
    resolve_libs
    mkdir -p "$KAFKA_HOME"
    for node in "${stopped[@]}"; do start_node "$node"; done
    wait_until_ready
    log "kafka ready in $((SECONDS - started_at))s: $(bootstrap_servers)"
}

stop() {
    take_lock kafka
    local node
    for node in $(nodes); do
        stop_component "kafka node $node" "$(pid_file "$node")" "$(process_pattern "$node")"
    done
}

kill_node() {
    local node="$1" pid
    [[ "$node" =~ ^[1-9]$ ]] && ((node <= KAFKA_BROKERS)) || die "no kafka node '$node' (1..$KAFKA_BROKERS)"
    take_lock kafka
    pid="$(running_pid "$node")" || die "kafka node $node is not running"
    log "killing kafka node $node (pid $pid)"
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$(pid_file "$node")"
}

status() {
    local node code=0
    for node in $(nodes); do
        component_status "kafka node $node" "$(pid_file "$node")" "$(process_pattern "$node")" \
            "127.0.0.1:$(client_port "$node")" || code=$?
    done
    return "$code"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    bootstrap) bootstrap_servers ;;
    kill-node) kill_node "${2:-}" ;;
    *)
        echo "usage: $0 {start|stop|status|bootstrap|kill-node N}" >&2
        exit 2
        ;;
esac
