#!/usr/bin/env bash
# Install axe-core (the accessibility rules engine the browser tests run) from the npm
# registry into tests/browser/vendor/, where tests/browser/test_accessibility.py finds it.
set -euo pipefail
cd "$(dirname "$0")"
AXE_VERSION="4.10.3"
if [ -f vendor/node_modules/axe-core/package.json ] &&
  grep -q "\"version\": \"$AXE_VERSION\"" vendor/node_modules/axe-core/package.json; then
  exit 0
fi
npm install --no-audit --no-fund --no-save --loglevel=error --prefix vendor "axe-core@$AXE_VERSION"
