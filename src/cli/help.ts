/** `npusim --help`: every command and option, its default, and the exit codes (design.md). */
export const HELP_TEXT = `npusim: concurrent simulation of the IBM POWER9 + NVIDIA V100 NVLink2 machine (AC922)

usage:
  npusim run [workload] [options]   run one simulation and print its summary
  npusim list                       workloads, bug switches and topologies
  npusim topo [name|file] [--policy P]  a topology's sockets, GPUs, links and IOMMU groups
  npusim --help | --version

run options:
  workload              workload name (default: stress; see \`npusim list\`)
  --seed N              seed, a whole number (default: drawn at random and printed)
  --duration T          simulated time: 2ms, 500us, 1.5ms, 3000ns, 1s, or whole ticks (ps)
                        (default: the workload's durationTicks)
  --topology NAME|FILE  witherspoon-6, witherspoon-4, or a JSON TopologySpec file (default: the workload's)
  --policy P            IOMMU group policy: per-socket, per-gpu, per-gpu-isolated (default: the workload's)
  --bug NAME            switch on a known historical bug; repeatable (see \`npusim list\`)
  --threads             one worker thread per actor (default)
  --inline              every actor in this thread (same digest as --threads)
  --json                print the run result as JSON on stdout instead of the summary
  --out FILE            also write the run result as JSON to FILE
  --check-hosts         run inline AND threaded, compare their event streams; on a mismatch
                        name the first divergent event and exit 4 (an engine bug)
  --crash-at ACTOR:N    testing aid: actor ACTOR (e.g. gpu2) throws at its Nth event

exit codes:
  0 clean   1 invariant violated   2 usage or config error   3 liveness failure   4 crash
  Ctrl-C stops the run and prints what was found so far; a second Ctrl-C exits at once (130).

examples:
  npusim run --duration 2ms --seed 42
  npusim run atsd-deadlock --bug release-between-flushes --inline
  npusim topo witherspoon-4 --policy per-gpu
`;
