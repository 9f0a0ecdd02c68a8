#!/usr/bin/env bash
# Issue 15 item 6, step 2 of 2, run on the `device` machine (16 cores) after
# bench/device/prepare.sh here, in one call:
#   run  carry: [".device", "dist"]  command: bash bench/device/run.sh  timeout_s: 600
# It unpacks the carried Node and production modules, then runs the engine bench with one worker
# per actor and --workers 2, 4 and 8 beside inline, on 6 ms and 20 ms of `stress` (the lengths
# where start-up weighs least), and writes to $OUT: machine.txt (cores, Node, load) and
# engine.txt (the bench's own table and ratios, as bench/README.md quotes them). The bench's
# defaults since 26beca7 apply: threads kept between a host's runs and one uncounted warm-up round,
# so every row is the steady state. Planned to end in about five minutes there (four rounds a
# length); the bench itself checks that every host gives one event digest.
# An argument replaces the lengths (`bash bench/device/run.sh 100us`: a quick check of the steps
# here, with OUT set to any folder).
set -euo pipefail
if [ $# -gt 1 ]; then
  echo "run.sh: expected at most one argument (the lengths, e.g. 6ms,20ms), got $#: $*" >&2
  exit 2
fi
cd "$(dirname "$0")/../.."
if [ -z "${OUT:-}" ]; then echo 'run.sh: expected $OUT, the folder the device tool brings back, got none' >&2; exit 2; fi
for f in .device/node.xz .device/node_modules.tgz dist/bench/main.js; do
  if [ ! -e "$f" ]; then
    echo "run.sh: expected $f (run bash bench/device/prepare.sh here, and carry .device and dist), got none" >&2
    exit 2
  fi
done
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
if command -v xz >/dev/null; then
  xz -dc .device/node.xz >"$bin/node"
else
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' .device/node.xz "$bin/node"
fi
chmod +x "$bin/node"
export PATH="$bin:$PATH"
if [ ! -d node_modules ]; then tar xzf .device/node_modules.tgz; fi
{
  echo "cores: $(nproc) (node: $(node -p 'require("node:os").availableParallelism()'))"
  echo "node: $(node --version) ($(command -v node))"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"
node dist/bench/main.js engine --workers 2,4,8 --lengths "${1:-6ms,20ms}" 2>&1 | tee "$OUT/engine.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
