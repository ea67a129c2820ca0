#!/bin/sh
# Rebuilds the vendored NHS.UK frontend (MIT licence, see LICENSE) from the npm registry:
#   assets/vendor/nhsuk-frontend/refresh.sh [VERSION]
# It compiles forum.scss (the components the forum uses, with system fonts) into
# nhsuk-frontend.min.css and copies the package's compiled ES module into nhsuk-frontend.min.js.
# Needs node and npm. The server embeds both files (src/web/assets.rs); commit them with VERSION.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(cat "$here/VERSION")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "nhsuk-frontend@$version" "sass@1"
npx sass --style=compressed --no-source-map --load-path=node_modules \
  "$here/forum.scss" "$here/nhsuk-frontend.min.css"
# The source map is not vendored, so its reference goes too.
sed 's#//\# sourceMappingURL=.*$##' node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js \
  > "$here/nhsuk-frontend.min.js"
echo "$version" > "$here/VERSION"
if grep -q 'https\?://' "$here/nhsuk-frontend.min.css"; then
  echo "refresh.sh: the stylesheet refers to another site; the forum must not" >&2
  exit 1
fi
echo "NHS.UK frontend $version: $(wc -c < "$here/nhsuk-frontend.min.css") bytes CSS, $(wc -c < "$here/nhsuk-frontend.min.js") bytes JS"
