#!/usr/bin/env bash
# Installs the system libraries ossbatch builds against (Debian). Idempotent; quiet when all is present.
set -euo pipefail
need=()
# e2fsprogs, mount and bindfs (FUSE): tests remount an ext4 image through another loop device and a FUSE file
# system under another device number, as a reboot may renumber them. strace: a test reads the modes the binary
# makes its state directories with. acl: a test grants reads by setfacl.
for pkg in libcurl4-openssl-dev libssl-dev liblzma-dev libsqlite3-dev libxml2 pkg-config curl python3-venv e2fsprogs mount bindfs strace acl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The official OSS Python SDK is an independent client in LocalOSS's tests (and a benchmark peer).
python3 -c 'import oss2' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check oss2 >/dev/null
# Python's Prometheus client: an independent parser of the `--metrics-file` output in the tests.
python3 -c 'import prometheus_client' 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check prometheus_client >/dev/null
# kubernetes-validate (schemas bundled, works offline once installed): scripts/validate-deploy.sh checks
# deploy/kubernetes/ against the Kubernetes API schema.
command -v kubernetes-validate >/dev/null \
    || python3 -m pip install -q --disable-pip-version-check kubernetes-validate >/dev/null
