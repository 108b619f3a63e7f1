#!/usr/bin/env bash
# Brings the toolchain this project needs into .tools/ when the machine lacks it:
# Node.js 24 (from the npm registry package `node`) when the machine's Node is older than 22, and pnpm.
# Source it (`. scripts/bootstrap.sh`) to get PATH set; running it installs only. It changes no shell options of the
# shell that sources it, and returns non-zero when the toolchain cannot be had.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
tools="$root/.tools"
need_node=1
if command -v node >/dev/null 2>&1; then
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -ge 22 ]; then need_node=0; fi
fi
pkgs=()
if [ -x "$tools/node_modules/.bin/node" ]; then need_node=0; fi
if [ "$need_node" = 1 ]; then pkgs+=("node@$NODE_VERSION"); fi
if [ ! -x "$tools/node_modules/.bin/pnpm" ]; then pkgs+=("pnpm@$PNPM_VERSION"); fi
if [ "${#pkgs[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${pkgs[*]} into .tools/" >&2
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private":true}' > "$tools/package.json"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "${pkgs[@]}" >&2 || {
    echo "bootstrap: could not install ${pkgs[*]} from the npm registry" >&2
    return 1 2>/dev/null || exit 1
  }
fi
case ":$PATH:" in *":$tools/node_modules/.bin:"*) ;; *) export PATH="$tools/node_modules/.bin:$PATH" ;; esac
node -e 'const m=+process.versions.node.split(".")[0]; if(m<22){console.error("bootstrap: Node "+process.version+" is too old");process.exit(1)}' ||
  { return 1 2>/dev/null || exit 1; }
