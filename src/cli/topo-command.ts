/**
 * `npusim topo`: a topology's sockets, GPUs, links, IOMMU groups and actor names; with --json, the
 * topology as the TopologySpec a `--topology FILE` takes, to copy and edit (a preset exactly as
 * src/model/platform/topology-spec.ts declares it, a file as validated).
 */

import { countText } from '../core/count-text.js';
import { fitLine } from '../core/wrap-text.js';
import { actorNames, gpuActorName } from '../model/platform/actor-names.js';
import { describeTopology } from '../model/platform/describe-topology.js';
import { computeGroups, type GroupPolicy } from '../model/platform/iommu-groups.js';
import { buildTopology, type TOPOLOGY_PRESETS } from '../model/platform/topology.js';
import { TOPOLOGY_PRESETS as PRESET_SPECS, type PresetName } from '../model/platform/topology-presets.js';
import { specWithDefaults, type TopologySpec } from '../model/platform/topology-spec.js';
import { checkPolicy, loadTopologyOption } from './topology-option.js';

/**
 * The topology as a TopologySpec in JSON, every default written out (memory map, GPU RAM, link
 * speed, link latency and bandwidth) so each knob is there to edit; a GPU's six links on one line,
 * in NVLink order, as skiboot's ibm,nvlink-peers table reads.
 */
export function topoJson(name: string): string {
  const custom = loadTopologyOption(name, 'topology');
  const spec: TopologySpec = custom?.spec ?? PRESET_SPECS[name as PresetName];
  return `${compactJson(specWithDefaults(spec), '')}\n`;
}

/** JSON with two-space indents, and any array or object that fits in 100 columns on one line. */
function compactJson(value: unknown, indent: string): string {
  const line = oneLine(value);
  if (typeof value !== 'object' || value === null || indent.length + line.length <= 100) return line;
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return `[\n${value.map((v) => inner + compactJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
export function topoText(name: string, policy: string): string {
  const custom = loadTopologyOption(name, 'topology');
  checkPolicy(policy, '--policy');
  const t = buildTopology(custom?.spec ?? (name as keyof typeof TOPOLOGY_PRESETS));
  const out = [describeTopology(t), `IOMMU groups (${policy}):`];
  for (const g of computeGroups(t, policy as GroupPolicy)) {
    const disable = [...g.requiredDisableMask].map(
      ([gpu, mask]) => `${gpuActorName(gpu)} links 0x${mask.toString(16)}`,
    );
    out.push(
      `  group ${g.id}: socket ${g.socket}, GPUs ${g.gpus.map(gpuActorName).join(' ')}, ` +
        `${countText(g.bridges.length, 'NVLink bridge')}${disable.length > 0 ? `; must disable ${disable.join(', ')}` : ''}`,
    );
  }
  out.push(`actors (as runs, --crash-at and the summary name them): ${actorNames(t).join(' ')}`);
  // A line past the width (the links legend, a socket's registers, a long list of actors or of
  // links to disable) wrapped under its own indent; the edges table and the rest fit as they are.
  return `${out
    .join('\n')
    .split('\n')
    .flatMap((l) => fitLine(l))
    .join('\n')}\n`;
}
