#!/usr/bin/env bash
# Junction side by side with coturn and the loopback limit (issue 7), in one run on this machine.
# Builds the relay (cli/target/junction.jar) and the harness (bench/target/benchmarks.jar), then runs
# dev.junction.bench.harness.Bench, which starts coturn and the Junction relay as child processes on
# 127.0.0.1, measures, stops them by PID and writes BENCHMARKS.md at the repository root.
#
#   bench/run.sh                 all sections, 3 runs each (about 25 minutes on 2 cores)
#   bench/run.sh --quick         one short run of each (a few minutes; checks the harness, not for quoting)
#   bench/run.sh --sections 1,2  only some sections (1 relay throughput, 2 latency, 3 STUN, 4 memory,
#                                5 session throughput, 6 connect times, 7 JMH codecs, 8 fleet,
#                                9 TURN against TURN, 10 relay CPU per datagram pinned, 11 logins,
#                                12 a session over a 40 ms, 0.5 % loss path in network namespaces)
#   bench/run.sh --no-build ...  skip the Maven build
#   bench/run.sh --sections 12 --wan-delay 20 --wan-loss 0   section 12 on another path (one-way ms, % loss)
#
# Installs nothing: it needs coturn, iperf3 and redis-server (apt-get install -y coturn iperf3 redis-server), a JDK 17 and Maven;
# section 12 also needs root, iptables, gcc and libnetfilter-queue-dev (it says so in BENCHMARKS.md when they are missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

missing=()
for tool in turnserver iperf3 openssl redis-server java jcmd; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: missing ${missing[*]}; install with: apt-get install -y coturn iperf3 openssl redis-server openjdk-17-jdk-headless" >&2
  exit 2
fi

build=1
args=()
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then build=0; else args+=("$a"); fi
done
# ./junction bench sets JUNCTION_BENCH_BUILD=bench: its own JVM runs from cli/target/junction.jar
# (just built), which must not be replaced underneath it.
modules="${JUNCTION_BENCH_BUILD:-cli,bench}"
if [ "$build" = 1 ]; then
  echo "bench: building $modules (mvn -q -pl $modules -am -DskipTests package)..." >&2
  mvn -q -B ${MAVEN_OFFLINE:+-o} -pl "$modules" -am -DskipTests package >&2
fi

# The harness holds up to 10k TLS client connections for the memory section: give it room.
exec java -Xmx3g -cp bench/target/benchmarks.jar dev.junction.bench.harness.Bench "${args[@]+"${args[@]}"}"
