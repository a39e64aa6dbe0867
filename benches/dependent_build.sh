#!/usr/bin/env bash
# A dependent's clean build: a tiny binary that makes one call through this crate, built
# from nothing (its own target directory) once per TLS option, against the same kind of
# binary written with reqwest + rustls + serde + tokio directly (the baseline). Prints the
# wall time and the number of packages compiled of each, in one run.
#
# Usage: bash benches/dependent_build.sh [project…]   (several clean builds: a few minutes)
# Projects: plain-reqwest-rustls crate-default crate-aws-lc-rs crate-native-tls (all by
# default).
# Needs the packages in cargo's cache (it builds --offline; run `cargo fetch` first).
set -euo pipefail
cd "$(dirname "$0")/.."
crate_dir=$(pwd)
work="${DEPENDENT_BUILD_DIR:-$crate_dir/target/dependent-build}"
rm -rf "$work"
mkdir -p "$work"

seconds() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

# new_project NAME DEPENDENCIES MAIN
new_project() {
  mkdir -p "$work/$1/src"
  cat > "$work/$1/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
tokio = { version = "1", features = ["rt", "macros"] }
serde_json = "1"
$2
EOF
  printf '%s\n' "$3" > "$work/$1/src/main.rs"
}

crate_main='use cloudflare_account_dns::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = Client::builder().api_token("token").build().unwrap();
    let settings = client.get_dns_settings("023e105f4ecef8ad9ca31a8372d0c353").send().await;
    println!("{}", settings.is_ok());
}'

plain_main='#[derive(serde::Deserialize)]
struct Envelope {
    success: bool,
    result: Option<serde_json::Value>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get("https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/dns_settings")
        .bearer_auth("token")
        .send()
        .await;
    if let Ok(response) = response {
        let envelope: Result<Envelope, _> = response.json().await;
        println!("{}", envelope.is_ok_and(|e| e.success && e.result.is_some()));
    }
}'

new_project plain-reqwest-rustls \
  'reqwest = { version = "0.13", default-features = false, features = ["json", "rustls"] }
serde = { version = "1", features = ["derive"] }' \
  "$plain_main"
new_project crate-default \
  "cloudflare-account-dns = { path = \"$crate_dir\" }" "$crate_main"
new_project crate-aws-lc-rs \
  "cloudflare-account-dns = { path = \"$crate_dir\", default-features = false, features = [\"aws-lc-rs\"] }" \
  "$crate_main"
new_project crate-native-tls \
  "cloudflare-account-dns = { path = \"$crate_dir\", default-features = false, features = [\"native-tls\"] }" \
  "$crate_main"

echo "| dependent | clean \`cargo build\` | packages compiled |"
echo "|---|---:|---:|"
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(plain-reqwest-rustls crate-default crate-aws-lc-rs crate-native-tls)
for project in "${projects[@]}"; do
  (
    cd "$work/$project"
    # Start from the crate's own lock file, so that every side builds the same versions
    # (cargo adds and drops entries as the project needs), then build from nothing.
    cp "$crate_dir/Cargo.lock" Cargo.lock
    start=$(date +%s%N)
    cargo build --offline --quiet --message-format=json > build.log 2>/dev/null \
      || { echo "| $project | build failed | |"; exit 0; }
    took=$(seconds "$start")
    packages=$(grep '"reason":"compiler-artifact"' build.log | grep -o '"package_id":"[^"]*"' | sort -u | wc -l)
    echo "| $project | ${took} s | ${packages} |"
  )
done
