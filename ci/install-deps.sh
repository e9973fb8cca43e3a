#!/usr/bin/env bash
# Installs the Debian packages gradcheck needs to build and test, and only those
# that are missing: a second run installs nothing and does not call apt-get.
# Arguments name further packages a script needs (ci/lint.sh: clang-tidy,
# clang-format, cppcheck; ci/valgrind.sh: valgrind), installed the same way.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  cmake g++ make
  libboost-test-dev libboost-program-options-dev libboost-math-dev
  libeigen3-dev libfmt-dev nlohmann-json3-dev
  libxml2-utils libgtest-dev
  dpkg-dev file  # cpack -G DEB (ctest package.deb.*): dpkg-shlibdeps, and file to find the ELF files
  "$@"
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all dependencies present"
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo --preserve-env=DEBIAN_FRONTEND)
  else
    echo "install-deps: missing ${missing[*]}, and not root and no sudo to install them" >&2
    exit 1
  fi
fi

"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}"
