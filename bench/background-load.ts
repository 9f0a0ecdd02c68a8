/**
 * Another program's work on the machine, for `npm run bench -- engine --background N`: the bench
 * starts N of these processes (`node dist/bench/background-load.js`, with an IPC channel) before its
 * first run and ends them after its last, so every host is measured on a machine whose cores
 * other processes also want, as a user's often is (a sweep, a build, a second run beside it).
 *
 * The work is the simulator's own: inline runs of `stress` (200 us each, seeds counting up) one
 * after another, on one thread. Bounded three ways: it stops when the bench disconnects (the
 * channel closes when the bench ends, however it ends), when the bench sends 'stop', and after
 * MAX_MS in any case; between runs it yields to the event loop, so a disconnect is seen within a
 * run's time (tens of milliseconds).
 */
import { runRaw } from '../src/runtime/engine.js';
import { workloadConfig } from './bench-run.js';

/** The longest a background process runs, whatever the bench does. */
const MAX_MS = 60 * 60 * 1000;
const RUN_TICKS = 200_000_000;

if (process.send === undefined) {
  process.stderr.write('background-load: expected to be started by the engine bench with an IPC channel\n');
  process.exit(2);
}
let stopping = false;
process.on('disconnect', () => {
  stopping = true;
});
process.on('message', (m) => {
  if (m === 'stop') stopping = true;
});
const config = await workloadConfig('stress', 1, RUN_TICKS);
const deadline = Date.now() + MAX_MS;
process.send('ready');
for (let seed = 1; !stopping && Date.now() < deadline; seed++) {
  await runRaw({ ...config, seed }, { host: 'inline' });
  await new Promise((r) => setImmediate(r));
}
if (process.connected) process.disconnect();
