#!/usr/bin/env bash
# Cloudflare's schema (through Prism) against the crate's fake: see prism_compare.py.
# Installs Prism (npm, into target/prism) when it is missing; starts Prism and the standalone
# fake on free ports of 127.0.0.1; stops both, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."
target_dir="${CARGO_TARGET_DIR:-target}"
prism_dir="$target_dir/prism"
if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
  command -v npm >/dev/null || { echo "npm is needed to install Prism" >&2; exit 1; }
  mkdir -p "$prism_dir"
  npm install --prefix "$prism_dir" --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5 >/dev/null
fi
cargo build --quiet --example fake_server --features fake
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
prism_port=$(free_port)
fake_port=$(free_port)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
"$prism_dir/node_modules/.bin/prism" mock --host 127.0.0.1 --port "$prism_port" --errors false \
  openapi/upstream/cloudflare-openapi.json >"$prism_dir/prism.log" 2>&1 &
pids+=($!)
"$target_dir/debug/examples/fake_server" --port "$fake_port" --quiet >"$prism_dir/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  if grep -q "Prism is listening" "$prism_dir/prism.log" 2>/dev/null \
    && python3 -c "import socket; socket.create_connection(('127.0.0.1', $fake_port), 1)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
grep -q "Prism is listening" "$prism_dir/prism.log" || { echo "Prism did not start:" >&2; tail -5 "$prism_dir/prism.log" >&2; exit 1; }
python3 tests/upstream/prism_compare.py openapi/upstream/cloudflare-openapi.json \
  openapi/cloudflare-account-dns.json "http://127.0.0.1:$prism_port" "http://127.0.0.1:$fake_port/client/v4"
