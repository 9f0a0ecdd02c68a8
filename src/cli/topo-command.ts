/** `npusim topo`: a topology's sockets, GPUs, links, IOMMU groups and actor names. */
import { computeGroups, type GroupPolicy } from '../model/platform/iommu-groups.js';
import {
  actorNames,
  buildTopology,
  describeTopology,
  gpuActorName,
  type TOPOLOGY_PRESETS,
} from '../model/platform/topology.js';
import { checkPolicy, loadTopologyOption } from './topology-option.js';

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
        `${g.bridges.length} NVLink bridges${disable.length > 0 ? `; must disable ${disable.join(', ')}` : ''}`,
    );
  }
  out.push(`actors (as runs, --crash-at and the summary name them): ${actorNames(t).join(' ')}`);
  return `${out.join('\n')}\n`;
}
