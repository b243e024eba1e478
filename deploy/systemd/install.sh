#!/usr/bin/env bash
# Installs the Junction relay as a systemd service on Debian or Ubuntu. Run as root from a
# checkout of the repository (it builds the jar if needed):  sudo deploy/systemd/install.sh
# Afterwards: edit /etc/junction/relay.conf (bind, alt-ip), then  systemctl restart junction-relay.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }

if ! command -v java >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jre-headless
fi
if [ ! -f cli/target/junction.jar ]; then
  ./junction --version >/dev/null   # builds cli/target/junction.jar (needs Maven and a JDK)
fi

install -D -m 0644 cli/target/junction.jar /opt/junction/junction.jar
install -d -m 0755 /etc/junction
if [ ! -f /etc/junction/relay.conf ]; then
  install -m 0644 config/relay.conf /etc/junction/relay.conf
  echo "install.sh: wrote /etc/junction/relay.conf from config/relay.conf: set bind and alt-ip to this host's public IPs"
fi
install -m 0644 deploy/systemd/junction-relay.service /etc/systemd/system/junction-relay.service
systemd-analyze verify /etc/systemd/system/junction-relay.service
systemctl daemon-reload
systemctl enable --now junction-relay
sleep 3
systemctl --no-pager --lines=12 status junction-relay || true
echo "install.sh: the relay address and admission secret: journalctl -u junction-relay | grep -E 'relay address|secret'"
