#!/bin/sh
# Refreshes the vendored axe-core (MPL-2.0, see LICENSE) that the browser tests inject into each
# page: tests/browser/vendor/axe-core/refresh.sh [VERSION]. Needs npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(cat "$here/VERSION")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "axe-core@$version" >/dev/null
tar xzf axe-core-*.tgz
cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt "$here/"
echo "$version" > "$here/VERSION"
echo "axe-core $version: $(wc -c < "$here/axe.min.js") bytes"
