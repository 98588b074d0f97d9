#!/usr/bin/env bash
# Installs the Debian tools the tests use when they are missing: ffmpeg (makes test videos with
# a given frame rate or picture size). Needs root (as on our machines) or sudo.
set -euo pipefail
if ! command -v ffmpeg >/dev/null 2>&1; then
  echo "ensure-tools: installing ffmpeg"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ffmpeg >/dev/null
fi
