#!/bin/sh
# Installs the optional references some benches compare cleave with, side by side in the same run:
# PyTorch (Debian's python3-torch: bench/train, bench/gradients) and the onnx Python package
# (python3-onnx: bench/analyze). Not needed by `npm test`; without them each bench still reports
# cleave's own figures and prints "reference not installed" where a ratio would be.
# The references run under Debian's /usr/bin/python3 (a pyenv or venv python3 does not see
# Debian's packages). Usage: sh scripts/install-bench-references.sh   (as root, Debian/Ubuntu)
set -eu

py=/usr/bin/python3
missing=''
"$py" -c 'import torch' >/dev/null 2>&1 || missing="$missing python3-torch"
"$py" -c 'import onnx' >/dev/null 2>&1 || missing="$missing python3-onnx"
if [ -z "$missing" ]; then
  echo "install-bench-references: PyTorch and onnx are installed for $py"
  exit 0
fi
missing=${missing# }
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-bench-references: as root on Debian run: apt-get install -y $missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# $missing is a list of package names: split on purpose.
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
"$py" -c 'import torch, onnx; print("install-bench-references: torch", torch.__version__, "onnx", onnx.__version__)'
