#!/usr/bin/env bash
# Whether every tracked Swift file is formatted as .swift-format says (swift-format ships with the
# toolchain). Formats a copy of the files, so the working tree is never touched; exit 1 listing the
# files that differ, with the command that formats them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git ls-files -z -- '*.swift' | tar --null -T - -cf - | tar -xf - -C "$scratch"
cp .swift-format "$scratch/"
(cd "$scratch" && "$swift" format --in-place --recursive --parallel --configuration .swift-format .)
differing=$(git ls-files -- '*.swift' | while read -r file; do cmp -s "$file" "$scratch/$file" || echo "$file"; done)
if [ -n "$differing" ]; then
  echo "check-format: these files are not formatted as .swift-format says:" >&2
  echo "$differing" | sed 's/^/  /' >&2
  echo "check-format: run: swift format --in-place --recursive --parallel Sources Tests Fuzz Plugins Package.swift" >&2
  exit 1
fi
echo "formatting matches .swift-format ($(git ls-files -- '*.swift' | wc -l) files)"
