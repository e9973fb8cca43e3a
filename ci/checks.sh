#!/usr/bin/env bash
# Build, then run every derivation check with the CLI and write the reports to
# reports/ (gradcheck.json, .md, .html and junit.xml). Extra arguments go to `gradcheck run`,
# e.g. `ci/checks.sh --seed 7`.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export BUILD_DIR="${BUILD_DIR:-build}"

bash ci/build.sh
"$BUILD_DIR"/src/gradcheck run --report_dir "$REPO/reports" "$@"
