#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Installs what logmetrics needs to build, test and benchmark on Debian/Ubuntu.
# Does nothing when every package is already there; elsewhere (no apt-get) it
# only says so. Used by the README and by .ci/run.
set -euo pipefail

packages=(
    g++
    cmake
    ninja-build
    pkg-config
    libhyperscan-dev
    libpcre2-dev
    nlohmann-json3-dev
    libfmt-dev
    libcurl4-openssl-dev
    libsnappy-dev
    catch2
    libcli11-dev
    libbenchmark-dev
    libre2-dev
    ca-certificates
)

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-debian.sh: apt-get not found; install these (or your system's equivalents) by hand:" >&2
    echo "  ${packages[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup-debian.sh: all build dependencies are installed"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "setup-debian.sh: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "setup-debian.sh: installing ${missing[*]}"
# A fresh machine may have no package lists at all: always update first.
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
