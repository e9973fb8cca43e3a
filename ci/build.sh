#!/usr/bin/env bash
# The one build recipe, run the same locally and in CI: install missing
# dependencies, configure (Release, warnings as errors) and build.
# BUILD_DIR (default: build, relative to the repo root) selects the build tree.
# The same configuration is the `release` preset of CMakePresets.json.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
BUILD_DIR="${BUILD_DIR:-build}"

bash ci/install-deps.sh
# Re-running this on an existing tree is cheap: cmake only regenerates what changed.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DGRADCHECK_WARNINGS_AS_ERRORS=ON
# CONFIGURE_ONLY=1 stops here (ci/lint.sh needs only compile_commands.json).
if [[ ${CONFIGURE_ONLY:-0} == 1 ]]; then exit 0; fi
cmake --build "$BUILD_DIR" -j"$(nproc)"
