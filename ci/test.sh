#!/usr/bin/env bash
# Build, then run the whole CTest suite. Extra arguments go to ctest,
# e.g. `ci/test.sh -R package` or `ci/test.sh -L derivation`. --no-tests=error:
# a filter that matches nothing (or tests that were never registered) fails
# rather than passing empty.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export BUILD_DIR="${BUILD_DIR:-build}"

bash ci/build.sh
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j"$(nproc)" "$@"
