#!/usr/bin/env bash
# Issue 15 item 6, step 2 of 2, run on the `device` machine (16 cores) after
# bench/device/prepare.sh here, in one call:
#   run  carry: [".device", "dist"]  command: bash bench/device/run.sh  timeout_s: 600
# It unpacks the carried Node and production modules, then runs the engine bench with one worker
# per actor and --workers 2, 4 and 8 beside inline, on 6 ms and 20 ms of `stress` (the lengths
# where start-up weighs least), and writes to $OUT: machine.txt (cores, Node, load) and
# engine.txt (the bench's own table and ratios, as bench/README.md quotes them). The bench's
# defaults since 26beca7 apply: threads kept between a host's runs and one uncounted warm-up round,
# so every row is the steady state. It ended in 365 s there at f98e221 (bench/README.md
# "Scaling past two cores"); the bench itself checks that every host gives one event digest.
# Arguments name another bench and its options instead, written to $OUT/NAME.txt (NAME-2.txt and
# so on when one call runs a bench twice): `bash bench/device/run.sh engine --start cold
# --workers 2,4,8 --lengths 1ms,6ms; bash bench/device/run.sh ring` runs both in one call.
# `OUT=/tmp/devout bash bench/device/run.sh engine --lengths 100us` checks the steps here.
set -euo pipefail
if [ $# -eq 0 ]; then
  set -- engine --workers 2,4,8 --lengths 6ms,20ms
fi
bench=$1
case "$bench" in
  engine | ring | startup | bound | cli | sweep | explore) ;;
  *)
    echo "run.sh: expected a bench name first (engine, ring, startup, bound, cli, sweep or explore), got '$bench'" >&2
    exit 2
    ;;
esac
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
log=$OUT/$bench.txt
n=1
while [ -e "$log" ]; do
  n=$((n + 1))
  log=$OUT/$bench-$n.txt
done
{
  echo "$*"
  echo "cores: $(nproc) (node: $(node -p 'require("node:os").availableParallelism()'))"
  echo "node: $(node --version) ($(command -v node))"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$OUT/machine.txt"
node dist/bench/main.js "$@" 2>&1 | tee "$log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
