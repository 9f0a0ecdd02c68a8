/**
 * A topology file's spec, its fields checked (validateTopologySpec), checked for what its fields
 * alone do not say, as `--topology FILE` (cli/topology-option.ts) and runWorkload's `topology`
 * (api/run-workload.ts) check it: the machine it builds within npusim's limits (buildTopology: the
 * actors and edges a ring record can name, address windows apart), and a preset's name only on
 * that preset (checkPresetName). The two do not depend on each other (the name's check compares
 * specs and builds no machine), so a spec that fails both is refused once with every mistake of
 * both, each at its place (QA: the name's mistake was said only once the machine's were fixed).
 */

import { SpecIssues } from '../model/platform/spec-issues.js';
import { buildTopology } from '../model/platform/topology.js';
import type { TopologySpec } from '../model/platform/topology-spec.js';
import { checkPresetName } from './full-topology.js';

/** Refuse `spec` with every mistake of its machine and its name, `fieldOf` naming each place. */
export function checkTopologyFileSpec(spec: TopologySpec, fieldOf: (field: string) => string): void {
  // In the file's order: a preset's name at the top was said after the machine's limits (QA).
  const issues = new SpecIssues(spec);
  issues.ok(() => {
    buildTopology(spec);
  });
  issues.ok(() => checkPresetName(spec));
  issues.throwIfAny(fieldOf);
}
