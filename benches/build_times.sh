#!/usr/bin/env bash
# Build-time figures: a clean build of the crate (default features, as a dependent would
# build it), the number of crates compiled, the build script's code-generation step, a
# no-op rebuild, and a rebuild after touching the OpenAPI fragment.
#
# Usage: bash benches/build_times.sh   (uses its own target directory; takes a minute or two)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${BUILD_TIMES_TARGET:-target/build-times}"
rm -rf "$target"
export CARGO_TARGET_DIR="$target"

seconds() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

cargo fetch --quiet
start=$(date +%s%N)
cargo build --quiet --message-format=json > "$target.log" 2>/dev/null || { echo "build failed" >&2; exit 1; }
clean=$(seconds "$start")
# Distinct packages built (a package's build script and library count once).
crates=$(grep '"reason":"compiler-artifact"' "$target.log" | grep -o '"package_id":"[^"]*"' | sort -u | wc -l)
codegen=$(cat "$target"/debug/build/cloudflare-account-dns-*/out/codegen-ms.txt)

start=$(date +%s%N)
cargo build --quiet
noop=$(seconds "$start")

touch openapi/cloudflare-account-dns.json
start=$(date +%s%N)
cargo build --quiet
regen=$(seconds "$start")

echo "| build | figure |"
echo "|---|---:|"
echo "| clean \`cargo build\` (default features) | ${clean} s |"
echo "| crates compiled | ${crates} |"
echo "| build script code generation (progenitor, builders, open enums, schema table) | ${codegen} ms |"
echo "| no-op rebuild | ${noop} s |"
echo "| rebuild after touching the fragment | ${regen} s |"
rm -f "$target.log"
