/**
 * `npusim list`: the workloads (with what each exposes, its own run and its variants), the bug switches (with the workloads that
 * expose them and the rules they trip), the oracle's rules (the names a workload's `expect` and a
 * variant's expectation take, each with what it catches), the profiles (the switches each holds and the sources of
 * that claim), the topologies and the policies; `--json` gives the same as data, with each
 * workload's parameters and defaults.
 */
import { hangingLines } from '../core/wrap-text.js';
import { RULE_NAMES, RULES } from '../model/check/rule-names.js';
import { GROUP_POLICIES, GROUP_POLICY_TEXT, type GroupPolicy } from '../model/platform/iommu-groups.js';
import { buildTopology, TOPOLOGY_PRESETS } from '../model/platform/topology.js';
import { BUG_NAMES, BUGS } from '../model/scenario/bugs.js';
import { policyNotInProfile } from '../model/scenario/profile-policy.js';
import { DEFAULT_PROFILE, PROFILES, type Profile, type ProfileName } from '../model/scenario/profiles.js';
import type { Expectation, Workload } from '../model/scenario/workload.js';
import { formatDuration } from '../report/duration.js';
import { variantSetText } from '../report/variant-set-text.js';
import { loadWorkloads } from '../runtime/workload-registry.js';

const expectsText = (e: Expectation) => (e === 'clean' ? 'clean' : e.join(' or '));

/**
 * What a workload's runs are, one line each under it, as `npusim run` runs them: its own run (its
 * label, its policy on the default profile, and what it expects: QA, `list` said this of the
 * variants only, and the own run's policy and expectation were in `--json` and the run's header
 * alone), then each variant. A run whose policy its profile's releases never formed (guest-atsd's
 * `as-shipped`: per-gpu on v5.12, which formed per-socket only) says so, in the words of the
 * warning the run gives (profile-policy.ts), and not at run time only.
 */
export function runLines(w: Workload): string[] {
  // A run on no profile of its own runs on the command's, the default one here.
  const policyNote = (profile: ProfileName, policy: GroupPolicy) => {
    const note = policyNotInProfile(profile, policy);
    return note === undefined ? '' : `; ${note}`;
  };
  // An expectation of `clean` is judged only beside variants (run-command.ts): a workload with
  // none says nothing of it (QA: atsd-hang's list line said `expects clean` of a run never judged).
  const expects = ownRunJudged(w) ? `, expects ${expectsText(w.expect)}` : '';
  // Its length too, as the option that sets it (QA: how long a run is was in `--json` alone).
  const own = `own run ${w.label ?? 'as declared'} (--duration ${formatDuration(w.params.durationTicks)}, --policy ${w.params.policy}, --profile ${DEFAULT_PROFILE}${expects}${policyNote(DEFAULT_PROFILE, w.params.policy)})`;
  return [
    own,
    ...w.variants.map((v) => {
      // The variant's policy: its `set`'s (validated against the parameters at load), else the workload's.
      const policy = typeof v.set.policy === 'string' ? (v.set.policy as GroupPolicy) : w.params.policy;
      // The options that make the variant another machine, as `npusim run` takes them: its profile
      // and its switches (`--bug single-flush`, as the answer's table names them: variant-set-text.ts),
      // so a variant that differs only by a switch does not read as one that changes nothing (QA:
      // flush-race's `single-flush` named no switch, and one without a description printed `{}`).
      const options = [v.profile === undefined ? '' : `--profile ${v.profile}`, variantSetText({}, v.bugs)]
        .filter((x) => x !== '')
        .map((x) => `${x}, `)
        .join('');
      const what = v.description ?? (variantSetText(v.set) || 'sets no parameter');
      return `variant ${v.name}: ${what} (${options}expects ${expectsText(v.expect)}${policyNote(v.profile ?? DEFAULT_PROFILE, policy)})`;
    }),
  ];
}

/** Whether a run of the workload alone judges its `expect`: beside variants, or rules it names. */
function ownRunJudged(w: Workload): boolean {
  return w.variants.length > 0 || w.expect !== 'clean';
}

export async function listText(): Promise<string> {
  const workloads = await loadWorkloads();
  const out = ['workloads:'];
  const wWidth = Math.max(0, ...[...workloads.keys()].map((n) => n.length));
  // Each description wrapped under its column, and each line under a name (what it exposes, a
  // variant, a profile's switches and sources) two columns further in on its continuation lines,
  // so a wrapped line does not read as the next one (QA: lines of up to 560 columns).
  const item = (name: string, width: number, text: string) =>
    out.push(...hangingLines(`  ${name.padEnd(width)}  `, text, width + 4));
  const detail = (width: number, text: string) =>
    out.push(...hangingLines(`  ${''.padEnd(width)}    `, text, width + 8));
  for (const w of workloads.values()) {
    item(w.name, wWidth, w.description);
    for (const e of w.exposes ?? []) detail(wWidth, `exposes --bug ${e.bug}: ${e.rules.join(', ')}`);
    for (const line of runLines(w)) detail(wWidth, line);
  }
  out.push('bugs (--bug NAME):');
  const bWidth = Math.max(...BUG_NAMES.map((n) => n.length));
  for (const b of BUG_NAMES) item(b, bWidth, BUGS[b]);
  out.push("rules (what the oracle checks; a workload's `expect` names them):");
  const rWidth = Math.max(...RULE_NAMES.map((n) => n.length));
  for (const r of RULE_NAMES) item(r, rWidth, RULES[r].summary);
  out.push(`profiles (--profile NAME, default ${DEFAULT_PROFILE}):`);
  for (const [name, p] of Object.entries(PROFILES) as [string, Profile][]) {
    item(name, bWidth, p.description);
    const knobs = (o: object) => Object.entries(o).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`);
    detail(
      bWidth,
      `Linux ${p.linux}, skiboot ${p.skiboot}; bug switches: ${p.bugs.length === 0 ? 'none' : p.bugs.join(', ')}; firmware: ${knobs(p.firmware).join(', ')}; kernel: ${knobs(p.kernel).join(', ')}; policies: ${p.policies?.join(', ') ?? 'all'}`,
    );
    for (const [claim, source] of Object.entries(p.sources)) detail(bWidth, `source, ${claim}: ${source}`);
  }
  out.push('topologies (--topology NAME):');
  for (const name of Object.keys(TOPOLOGY_PRESETS)) {
    const t = buildTopology(name as keyof typeof TOPOLOGY_PRESETS);
    item(name, bWidth, `${t.gpus.length} GPUs on ${t.sockets.length} sockets`);
  }
  out.push('policies (--policy P):');
  for (const p of GROUP_POLICIES) item(p, bWidth, GROUP_POLICY_TEXT[p].line);
  return `${out.join('\n')}\n`;
}

export async function listJson(): Promise<string> {
  const workloads = [...(await loadWorkloads()).values()];
  const data = {
    workloads: workloads.map((w) => ({
      name: w.name,
      description: w.description,
      ...(w.question === undefined ? {} : { question: w.question }),
      exposes: w.exposes ?? [],
      // The text's `own run` line as data (QA: --json lacked it).
      ownRun: {
        label: w.label ?? null,
        durationTicks: w.params.durationTicks,
        policy: w.params.policy,
        profile: DEFAULT_PROFILE,
        ...(ownRunJudged(w) ? { expect: w.expect } : {}),
        ...(policyNotInProfile(DEFAULT_PROFILE, w.params.policy) === undefined
          ? {}
          : { note: policyNotInProfile(DEFAULT_PROFILE, w.params.policy) }),
      },
      variants: w.variants,
      headline: w.headline,
      params: w.params,
    })),
    bugs: BUG_NAMES.map((b) => ({
      name: b,
      description: BUGS[b],
      exposedBy: workloads.flatMap((w) =>
        (w.exposes ?? []).filter((e) => e.bug === b).map((e) => ({ workload: w.name, rules: e.rules })),
      ),
    })),
    rules: RULE_NAMES.map((name) => ({ name, summary: RULES[name].summary, judgedAt: RULES[name].judgedAt })),
    profiles: Object.entries(PROFILES).map(([name, p]) => ({ name, ...p })),
    topologies: Object.keys(TOPOLOGY_PRESETS).map((name) => {
      const t = buildTopology(name as keyof typeof TOPOLOGY_PRESETS);
      return { name, gpus: t.gpus.length, sockets: t.sockets.length };
    }),
    policies: [...GROUP_POLICIES],
    // Beside the names (kept a list of strings for scripts that read them): what each stands for.
    policyDescriptions: Object.fromEntries(GROUP_POLICIES.map((p) => [p, GROUP_POLICY_TEXT[p].line])),
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}
