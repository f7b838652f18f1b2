#!/usr/bin/env bash
# Builds every release artifact locally (nothing is published) and checks
# what a user would install:
#   - the linux/amd64 .deb (dpkg-deb -c): the binary, the completion scripts
#     in the system completion directories, one man page per command;
#   - the binary in the .deb prints this commit in `keyward version`;
#   - every archive: binary, README.md, LICENSE, completions, man pages;
#   - checksums.txt matches the files.
#
# Needs goreleaser v2.16.0 (`go install github.com/goreleaser/goreleaser/v2@v2.16.0`)
# and dpkg-deb. Takes about a minute: six builds, archives, .deb and .rpm.
#   scripts/release-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"

fail() { echo "release-smoke: $*" >&2; exit 1; }
command -v goreleaser >/dev/null || fail "goreleaser not found; go install github.com/goreleaser/goreleaser/v2@v2.16.0"
command -v dpkg-deb >/dev/null || fail "dpkg-deb not found (apt-get install dpkg)"

# goreleaser ignores all git information (commit, commit date) in a clone
# without a remote; name one through the environment, not .git/config.
if [ -z "$(git remote)" ]; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
    GIT_CONFIG_VALUE_0=https://github.com/keyward/keyward.git
fi

goreleaser release --snapshot --clean --skip=publish

commit=$(git rev-parse HEAD)
version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)
[ -n "$version" ] || fail "no version in dist/metadata.json"
echo "== checking release $version ($commit)"

# The man pages a package must hold: one per command, as generated.
pages=$(cd build/release/docs/man && ls -- *.1.gz | sort)
[ -n "$pages" ] || fail "no man pages generated in build/release/docs/man"

# want LISTING PATH...: every PATH is in LISTING (one path per line).
want() {
  local listing=$1; shift
  local p
  for p in "$@"; do
    grep -qxF -- "$p" <<<"$listing" || fail "$p missing from $artifact"
  done
}

# The .deb: paths of the files it installs, without the leading "./".
shopt -s nullglob
debs=(dist/*_amd64.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one linux/amd64 .deb in dist/, found ${#debs[@]}"
artifact=${debs[0]}
listing=$(dpkg-deb -c "$artifact" | awk '{print $NF}' | sed 's#^\./#/#')
want "$listing" \
  /usr/bin/keyward \
  /usr/share/bash-completion/completions/keyward \
  /usr/share/zsh/vendor-completions/_keyward \
  /usr/share/fish/vendor_completions.d/keyward.fish \
  /usr/share/doc/keyward/LICENSE
for p in $pages; do want "$listing" "/usr/share/man/man1/$p"; done
[ "$(dpkg-deb -f "$artifact" Package)" = keyward ] || fail "$artifact: Package is not keyward"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$artifact" "$tmp/deb"
"$tmp/deb/usr/bin/keyward" version -o json >"$tmp/version.json"
grep -q "\"commit\": \"$commit\"" "$tmp/version.json" || fail "$artifact: keyward version does not name commit $commit: $(cat "$tmp/version.json")"
grep -q "\"version\": \"$version\"" "$tmp/version.json" || fail "$artifact: keyward version is not $version"
bash -n "$tmp/deb/usr/share/bash-completion/completions/keyward" || fail "$artifact: bash completion does not parse"
gzip -t "$tmp/deb/usr/share/man/man1/keyward.1.gz" || fail "$artifact: keyward.1.gz is not gzip"
echo "ok  $artifact: $(wc -l <<<"$listing") entries, $(wc -w <<<"$pages") man pages"

rpms=(dist/*x86_64.rpm)
[ ${#rpms[@]} -eq 1 ] || fail "expected one linux/amd64 .rpm in dist/, found ${#rpms[@]}"
echo "ok  ${rpms[0]} built"

# Archives: tar.gz for linux and darwin, zip for windows.
for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64; do
  bin=keyward
  if [[ $target == windows_* ]]; then
    artifact=dist/keyward_${version}_${target}.zip
    bin=keyward.exe
    [ -f "$artifact" ] || fail "$artifact missing"
    listing=$(unzip -Z1 "$artifact")
  else
    artifact=dist/keyward_${version}_${target}.tar.gz
    [ -f "$artifact" ] || fail "$artifact missing"
    listing=$(tar -tzf "$artifact")
  fi
  want "$listing" "$bin" README.md LICENSE \
    completions/keyward.bash completions/keyward.zsh completions/keyward.fish completions/keyward.ps1
  for p in $pages; do want "$listing" "man/man1/$p"; done
  echo "ok  $artifact"
done

(cd dist && sha256sum --quiet -c checksums.txt) || fail "checksums.txt does not match"
echo "ok  dist/checksums.txt"
echo "release smoke test passed"
