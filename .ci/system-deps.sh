#!/bin/sh
# Install the system packages the browser test needs (tests/server/test_browser.py): Debian's
# chromium and its chromedriver, driven headless by selenium.
#
# Idempotent: installs nothing when /usr/bin/chromium and /usr/bin/chromedriver are present.
# The test looks for the browser at those paths (override with MLA_KG_CHROMIUM and
# MLA_KG_CHROMEDRIVER); under CI=true a missing browser fails the test instead of skipping it.
set -eu

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "system-deps.sh: chromium and chromedriver already installed"
    /usr/bin/chromium --version 2>/dev/null || true
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
else
    as_root="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update
# chromium-driver is the chromedriver that matches Debian's chromium build.
$as_root apt-get install -y --no-install-recommends chromium chromium-driver

/usr/bin/chromium --version
/usr/bin/chromedriver --version
