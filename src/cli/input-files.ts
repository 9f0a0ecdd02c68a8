/**
 * The files a command reads, named by the option that reads them: checked against the files it
 * writes before anything runs (output-path.ts checkOutputFiles), so no output option overwrites the
 * workload, topology, seeds, failure or result file the command was given.
 */
import { isWorkloadPath } from '../runtime/workload-path.js';
import type { CliArgs } from './cli-args.js';
import type { InputFile } from './output-path.js';
import { isTopologyPath } from './topology-path.js';

/** `--topology VALUE` names a file (not a preset) as topology-option.ts reads it. */
function topologyFile(value: string | undefined): InputFile[] {
  return value !== undefined && isTopologyPath(value) ? [{ option: '--topology', path: value }] : [];
}

export function inputFiles(args: CliArgs): InputFile[] {
  switch (args.command) {
    // A workload argument that is a built-in's name and also names a file here is listed too (the
    // built-ins are not loaded for this check): an output over that file is refused, as is safe.
    case 'run':
      return [
        ...(isWorkloadPath(args.workload)
          ? [{ option: 'npusim run (the workload file)', path: args.workload }]
          : []),
        ...topologyFile(args.topology),
      ];
    case 'sweep':
      return [
        ...(isWorkloadPath(args.workload)
          ? [{ option: 'npusim sweep (the workload file)', path: args.workload }]
          : []),
        ...topologyFile(args.topology),
        ...(args.seeds !== undefined && 'file' in args.seeds
          ? [{ option: `--seeds @${args.seeds.file}`, path: args.seeds.file }]
          : []),
      ];
    case 'replay':
      return [{ option: 'replay', path: args.file }];
    // shrink's --out over its own file has its own words (shrink-command.ts: it would replace the
    // original failure), checked there.
    case 'compare':
      return [
        { option: 'compare', path: args.a },
        { option: 'compare', path: args.b },
      ];
    case 'topo':
      return topologyFile(args.topology);
    default:
      return [];
  }
}
