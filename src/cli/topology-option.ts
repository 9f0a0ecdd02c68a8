/**
 * The topology and policy options: a preset name, or a JSON TopologySpec file read, parsed and
 * validated here so every error names the file and the field.
 */
import { type Stats, statSync } from 'node:fs';
import { didYouMean, editDistance } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { joinField } from '../core/join-field.js';
import { placedInJsonFile } from '../core/json-place.js';
import { otherNpusimFile } from '../core/npusim-files.js';
import { parseJsonFile } from '../core/parse-json.js';
import { gotText, shownText } from '../core/shown-text.js';
import { readUserText } from '../io/bounded-file.js';
import { GROUP_POLICIES } from '../model/platform/iommu-groups.js';
import { TOPOLOGY_PRESETS } from '../model/platform/topology.js';
import { isPresetName } from '../model/platform/topology-presets.js';
import type { TopologySpec } from '../model/platform/topology-spec.js';
import { validateTopologySpec } from '../model/platform/validate-topology.js';
import { checkTopologyFileSpec } from '../report/topology-file-check.js';
import { isTopologyPath } from './topology-path.js';

/**
 * Largest topology file read (a 48-GPU machine's spec is a few KiB): a bigger file is refused
 * before it is read, so a stray multi-megabyte file costs nothing.
 */
export const MAX_TOPOLOGY_FILE_BYTES = 1 << 20;

/**
 * `--topology` is a preset name, or a path to a JSON TopologySpec (topology-path.ts says which). A
 * file is read, parsed and validated here, and every error names the file and the field; a preset
 * name returns undefined (the world builds the preset).
 */
export function loadTopologyOption(
  value: string,
  option: string,
): { file: string; spec: TopologySpec } | undefined {
  if (!isTopologyPath(value)) {
    checkTopology(value, option);
    return undefined;
  }
  const text = onceFromPipe(value, () =>
    readUserText(value, MAX_TOPOLOGY_FILE_BYTES, {
      field: option,
      tooLarge: (got) =>
        `Expected a topology file of at most ${MAX_TOPOLOGY_FILE_BYTES} bytes, got ${gotText(value)} of ${got === 'more than that' ? 'more bytes than that' : got}`,
      unreadable: (got) => `Expected a readable topology file, got ${gotText(value)}: ${got}`,
    }),
  );
  // Named by the file, as a workload file's syntax error is and as every other topology error is.
  const json = parseJsonFile(text, value, 'JSON');
  const other = otherNpusimFile(json, 'topology');
  if (other !== undefined) {
    throw new ConfigError(value, `Expected a topology file (as \`npusim topo --json\` prints), got ${other}`);
  }
  // Every mistake of the spec at its place in the file (`my.json: gpus[1].socket`), then those of
  // its machine and its name, alike; each at its key's line and column where the file holds it
  // (`my.json:7:9: gpus[1].socket`: json-place.ts).
  try {
    const spec = validateTopologySpec(json, (field) => joinField(value, field));
    checkTopologyFileSpec(spec, (field) => joinField(value, field));
    return { file: value, spec };
  } catch (e) {
    throw e instanceof ConfigError ? placedInJsonFile(e, value, text) : e;
  }
}

/**
 * The text of a topology that is a pipe (`--topology <(jq . w4.json)`: /dev/fd/63), kept by the
 * pipe's identity: a command reads `--topology` more than once (its run's parameters, the
 * overrides a variant is matched by, each variant's run), and a pipe gives its bytes only once
 * (QA: the second read met the end of the file and called the file empty). A regular file is read
 * each time, as it is.
 */
const pipeTexts = new Map<string, string>();

function onceFromPipe(path: string, read: () => string): string {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return read(); // what is wrong with the path, said by the read
  }
  if (st.isFile()) return read();
  const key = `${path}\u0000${st.dev}:${st.ino}`;
  const kept = pipeTexts.get(key);
  if (kept !== undefined) return kept;
  const text = read();
  pipeTexts.set(key, text);
  return text;
}

/** A value that is no file (topology-path.ts) must be a preset's name. */
export function checkTopology(name: string, option: string): void {
  if (!isPresetName(name)) {
    const presets = Object.keys(TOPOLOGY_PRESETS);
    throw new ConfigError(
      option,
      `Expected a preset (${presets.join(', ')}) or a path to an existing JSON topology file, got ${gotText(shownText(name))}: no preset has that name${presetHint(name, presets)} and no such file exists`,
    );
  }
}

/**
 * The presets `name` is likely a slip for: the one it is but for the letters' case (preset names
 * are matched exactly: a failure file records the name as given), else the nearest, one or two
 * edits away (`witherspon-6`; both for `witherspoon-8`, as near to each).
 */
function presetHint(name: string, presets: readonly string[]): string {
  const cased = presets.find((p) => p.toLowerCase() === name.toLowerCase());
  if (cased !== undefined) return ` (presets are named in lower case: \`${cased}\`)`;
  const distances = presets.map((p) => editDistance(name.toLowerCase(), p));
  const nearest = Math.min(...distances);
  const near = nearest > 2 ? [] : presets.filter((_, i) => distances[i] === nearest);
  return near.length === 0 ? '' : ` (did you mean ${near.map((p) => `\`${p}\``).join(' or ')}?)`;
}

export function checkPolicy(policy: string, option: string): void {
  if (!(GROUP_POLICIES as readonly string[]).includes(policy)) {
    // A slip of one gets the hint `--set policy=` and `--profile` give (QA: `per-gpu-isolate`).
    throw new ConfigError(
      option,
      `Expected one of ${GROUP_POLICIES.join(', ')}, got ${gotText(policy)}${didYouMean(policy, GROUP_POLICIES)}`,
    );
  }
}
