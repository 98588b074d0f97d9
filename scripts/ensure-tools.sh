#!/usr/bin/env bash
# Installs the Debian packages the tests use when their command is missing. Needs root (as on our
# machines) or sudo. One line per tool: "<command> <Debian package>…  # what the tests use it for".
set -euo pipefail
tools=(
  "ffmpeg ffmpeg" # makes test videos with a given frame rate or picture size
  "chromium chromium fonts-dejavu-core" # the elements' browser tests (playwright-core drives it; never a downloaded browser)
  "promtool prometheus" # unit-tests the alert rules; its prometheus runs the alert integration test
)
missing=()
for entry in "${tools[@]}"; do
  read -r -a words <<<"$entry"
  cmd="${words[0]}"
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${words[@]:1}")
done
if ((${#missing[@]})); then
  echo "ensure-tools: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
