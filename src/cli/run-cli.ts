/**
 * The `npusim` command: parse (args.ts, from the command table), check every file and directory it
 * will write (output-path.ts), run the command, and map every outcome to its exit code
 * (core/exit-codes.ts):
 *   0 clean, 1 invariant violated, 2 usage or config error (nothing runs), 3 liveness failure,
 *   4 crash (an actor threw, the engine failed, or --check-hosts found the hosts disagree),
 *   5 a replay that did not reproduce, 130 interrupted (Ctrl-C, SIGTERM or SIGHUP).
 * Each command is a file of its own: run-command.ts, sweep-command.ts, replay-command.ts,
 * shrink-command.ts, compare-command.ts, list-command.ts, topo-command.ts.
 *
 * `runCli` returns the exit code instead of exiting: the caller sets process.exitCode so output
 * is flushed and every worker has been terminated (the runtimes do that) before the process
 * ends. Only a second Ctrl-C, SIGTERM or SIGHUP exits at once (130).
 *
 * The commands that simulate, and with them the engine and the machine, are imported lazily, so
 * `--help`, `topo` and `compare` start fast and do not load the simulator (`list` loads the
 * workloads, and the model with them); test/cli/lazy-load.test.ts holds it.
 */
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { codeText } from '../core/shown-text.js';
import { onPipeWait } from '../io/bounded-file.js';
import { npusimVersion } from '../io/version.js';
import { sourceBundlesDir } from '../runtime/worker-url.js';
import { loadTimeoutSeconds } from '../runtime/workload-load-guard.js';
import { parseCli } from './args.js';
import type { CliArgs } from './cli-args.js';
import { type CliIo, errorText, sayText } from './cli-io.js';
import { compareCommand } from './compare-command.js';
import { configErrorText } from './config-error-text.js';
import { descriptorLimitText } from './descriptor-limit.js';
import { helpText } from './help.js';
import { inputFiles } from './input-files.js';
import { listJson, listText } from './list-command.js';
import { checkNotStandardOutput, checkOutputFiles } from './output-path.js';
import { progressIntervalMs } from './progress-interval.js';
import { sayReplacedFiles } from './replaced-files.js';
import { topoJson, topoText } from './topo-command.js';
import { checkWorkingDirectory } from './working-directory.js';

export { EXIT } from '../core/exit-codes.js';
export type { CliIo } from './cli-io.js';
export { loadTopologyOption, MAX_TOPOLOGY_FILE_BYTES } from './topology-option.js';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs | undefined;
  // A file given as a pipe or device that has sent nothing yet is waited for, and said so.
  onPipeWait((path, limitMs) =>
    io.stderr.write(
      sayText(
        `waiting for ${codeText(path)} to be written (a pipe or device with nothing in it yet); giving up after ${limitMs / 1000} s`,
      ),
    ),
  );
  try {
    args = parseCli(argv);
    if (args.command !== 'help' && args.command !== 'version' && args.command !== 'list')
      checkWorkingDirectory();
    // Before anything runs: a bad output path fails now, not after the simulation; so does a bad
    // NPUSIM_SOURCE_BUNDLES (read only when running from source: worker-url.ts), and a bad
    // NPUSIM_WORKLOAD_LOAD_TIMEOUT, whatever the workload (QA: only a module's load read it), and
    // a bad NPUSIM_PROGRESS_INTERVAL, read only once a run is under way.
    if ('outputs' in args) {
      // Stdout first: `/dev/fd/1` with stdout sent to a file is that file, not a path with no
      // storage (the output check's words for /dev/fd).
      checkNotStandardOutput(args.outputs, io.stdout, args.command);
      checkOutputFiles(args.outputs, undefined, inputFiles(args));
      sayReplacedFiles(args.command, args.outputs, io);
    }
    // Help and the version run nothing those variables tune: a user who set one wrong must still
    // read the help that says how to set it (QA: `--help` exited 2 on a bad interval).
    if (args.command !== 'help' && args.command !== 'version') {
      sourceBundlesDir();
      loadTimeoutSeconds(io.env);
      progressIntervalMs(io.env);
    }
    switch (args.command) {
      case 'help':
        io.stdout.write(helpText(args.topic));
        return EXIT.clean;
      case 'version':
        io.stdout.write(`npusim ${npusimVersion()}\n`);
        return EXIT.clean;
      case 'list':
        io.stdout.write(args.json ? await listJson() : await listText());
        return EXIT.clean;
      case 'topo':
        io.stdout.write(
          args.json
            ? topoJson(args.topology ?? 'witherspoon-6')
            : topoText(args.topology ?? 'witherspoon-6', args.policy ?? 'per-socket'),
        );
        return EXIT.clean;
      // The commands that run the simulator load it (the model, the engine, zod for workload
      // parameters) only when chosen, so the others start without it (bench/README.md "Start-up").
      case 'run':
        return await (await import('./run-command.js')).runCommand(args, io);
      case 'sweep':
        return await (await import('./sweep-command.js')).sweepCommand(args, io);
      case 'replay':
        return await (await import('./replay-command.js')).replayCommand(args, io);
      case 'shrink':
        return await (await import('./shrink-command.js')).shrinkCommand(args, io);
      case 'compare':
        return await compareCommand(args, io);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(configErrorText(withWorkloadHint(error, args), argv[0]));
      return EXIT.usage;
    }
    const limit = descriptorLimitText(error);
    if (limit !== undefined) {
      io.stderr.write(`npusim: ${limit}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`npusim: unexpected error (exit 4):\n${errorText(error)}\n`);
    return EXIT.crash;
  }
}

/**
 * The refusal of the workload named, when that name is a unit written apart from an option's
 * number (`run --duration 2 ms`: no workload is named `ms`), with the hint that joins them.
 */
function withWorkloadHint(error: ConfigError, args: CliArgs | undefined): ConfigError {
  if (error.field !== 'workload' || args === undefined || !('workloadHint' in args)) return error;
  if (args.workloadHint === undefined) return error;
  return new ConfigError(
    error.field,
    `${error.message.replace(`${error.field}: `, '')}; ${args.workloadHint}`,
  );
}
