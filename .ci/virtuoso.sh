#!/bin/sh
# Install Virtuoso Open Source 7 from Debian for the remote-backend tests (tests/remote/).
#
# Idempotent: does nothing when virtuoso-t is already on PATH. The package's own service is
# never used: the test fixture starts `virtuoso-t +foreground` with a temporary database and
# ports on 127.0.0.1, so a service the package may have started does not matter.
set -eu

if command -v virtuoso-t >/dev/null 2>&1; then
    echo "virtuoso.sh: $(command -v virtuoso-t) already installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
else
    as_root="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update
# virtuoso-opensource pulls virtuoso-opensource-7-bin (virtuoso-t, isql-vt); the VAD packages
# it recommends (Conductor) are not needed: the tests use only /sparql and the GSP endpoint.
$as_root apt-get install -y --no-install-recommends virtuoso-opensource

command -v virtuoso-t
virtuoso-t -? 2>&1 | head -n 2 || true
