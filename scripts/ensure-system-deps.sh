#!/bin/sh
# Makes sure the system packages the tests use are installed, so that `npm test` (which runs this
# first) is green on a fresh Debian machine with Node: Chromium for the browser end-to-end test;
# iproute2, nftables and a C compiler for the real-link network tests (namespaces, tbf, random
# loss, the user-space delay line). As root with apt-get, missing packages are installed; otherwise
# one line says what to install, and the tests run anyway. Nothing is fetched when all are present.
set -eu

has() { command -v "$1" >/dev/null 2>&1; }
missing=''
# The browser test launches CHROMIUM_PATH, or Debian's /usr/bin/chromium (test-support/serve/browser.ts).
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
{ has ip && has tc; } || missing="$missing iproute2"
has nft || missing="$missing nftables"
has cc || missing="$missing gcc"
[ -z "$missing" ] && exit 0
missing=${missing# }

if [ "$(id -u)" = 0 ] && has apt-get; then
  echo "ensure-system-deps: installing $missing with apt-get (the tests need them)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # $missing is a list of package names: split on purpose.
  # shellcheck disable=SC2086
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    exit 0
  fi
  echo "ensure-system-deps: apt-get could not install $missing; the tests that need them will fail" >&2
else
  echo "ensure-system-deps: tests need missing system packages; as root run: apt-get install $missing" >&2
fi
exit 0
