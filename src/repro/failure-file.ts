/**
 * Failure files (README.md "Failure files, replay and sweeps"): what a failing run leaves behind so
 * that anyone can replay it exactly, on another machine and another day. Versioned JSON with
 * everything the run depended on: the npusim version (and commit), the workload's name and full
 * parameters, the topology, the options, the seed, the strategy and any choice log, the digest, the
 * exit class and the first finding (rule, tick, actors, addresses).
 *
 * This file holds the format (its schema) and the writing of one; reading one back, strictly, is
 * failure-file-read.ts.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { didYouMean } from '../core/edit-distance.js';
import { EXIT } from '../core/exit-codes.js';
import { FAILURE_FORMAT } from '../core/npusim-files.js';
import { MAX_SEED, SEED_RANGE_TEXT } from '../core/seed-range.js';
import { gotText } from '../core/shown-text.js';
import { shown as shownValue } from '../core/shown-value.js';
import { gitCommit, npusimVersion } from '../io/version.js';
import { isRuleName, type RuleName } from '../model/check/rule-names.js';
import { encodeChoices } from '../model/choice/choice-log.js';
import { BUG_NAMES } from '../model/scenario/bugs.js';
import { PROFILES } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { strictFields } from '../model/scenario/schema-issues.js';
import { variantRunBugs } from '../model/scenario/variant-bugs.js';
import type { Workload } from '../model/scenario/workload.js';
import { digestableParams } from '../model/scenario/workload-params.js';
import { ENGINE_STALL_RULE } from '../report/assemble-result.js';
import { configDigestOf } from '../report/outcome-digest.js';
import { digestText } from '../runtime/digest.js';
import { type FreeLog, freeLogSchema } from '../runtime/free/free-log.js';
import { PLACEMENT_EXPECTED, placementOf } from '../runtime/placement.js';
export const FAILURE_FORMAT_VERSION = 1;

export type ExitClass = 'violation' | 'liveness' | 'crash';

/** The first thing that went wrong: a rule broken, a liveness failure, or an actor that crashed. */
export interface FirstFinding {
  /** A rule name (check/rule-names.ts), or 'crash'. */
  rule: RuleName | 'crash';
  tick: number;
  actors: string[];
  addresses: number[];
  message: string;
}

const finding = strictFields('a first-finding field', {
  rule: z.string().refine((r) => r === 'crash' || isRuleName(r), {
    error: (issue) => `Expected a rule name (npusim list) or \`crash\`, got ${shown(issue.input)}`,
  }),
  tick: z.number().int().min(0),
  actors: z.array(z.string()),
  addresses: z.array(z.number().int().min(0)),
  message: z.string(),
});

/**
 * A name of `names` (a bug switch, a profile, a host, an exit class), refused in the command
 * line's words (scenario-config.ts): the name that arrived through gotText, so a control character
 * a hand edit put in it is shown escaped, not sent to the terminal (QA: `options.profile`
 * `fixed\u001b]0;pwned\u0007` retitled it), with the name it is a slip of.
 */
function nameOf<const T extends readonly [string, ...string[]]>(names: T) {
  return z.enum(names, {
    error: (issue) =>
      `Expected one of ${names.join(', ')}, got ${
        typeof issue.input === 'string'
          ? `${gotText(issue.input)}${didYouMean(issue.input, names)}`
          : shown(issue.input)
      }`,
  });
}

/**
 * A list of bug switches, each once, as the command line makes them (scenario-config.ts): a
 * repeat is refused at itself, naming the item that has it (`field` is the list's name).
 */
function bugSwitches(field: string) {
  return z.array(nameOf(BUG_NAMES as [string, ...string[]])).superRefine((bugs, ctx) => {
    bugs.forEach((b, i) => {
      if (bugs.indexOf(b) !== i)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `Expected each bug switch once, got ${gotText(b)} again (${field}[${bugs.indexOf(b)}] has it)`,
        });
    });
  });
}

/** A seed's refusal, as `--seed` words it: a seed past 2^53-1 would not read back as itself. */
const SEED_EXPECTED = `Expected an integer seed ${SEED_RANGE_TEXT}`;

/** A digest as npusim writes it (QA67 F2: zod's own `Invalid string: must match pattern` was said). */
const hexDigest = (what: string) =>
  z.string({ error: `Expected ${what}: 16 hex digits (0-9, a-f)` }).regex(/^[0-9a-f]{16}$/, {
    error: `Expected ${what}: 16 hex digits (0-9, a-f)`,
  });

export const fileSchema = strictFields('a failure file field', {
  format: z.literal(FAILURE_FORMAT),
  formatVersion: z.literal(FAILURE_FORMAT_VERSION),
  npusim: strictFields('an npusim field', { version: z.string(), commit: z.string().nullable() }),
  workload: strictFields('a workload field', {
    name: z.string().min(1),
    /**
     * A workload read from a user's file (`npusim run ./w.ts`): its absolute path. A replay loads
     * that file again and refuses it if its declared parameters changed since.
     */
    file: z.string().min(1).optional(),
    /** Digest of the workload's declared parameters when the file was written. */
    definitionDigest: hexDigest("the digest of the workload's parameters"),
    params: z.unknown(),
  }),
  topology: strictFields('a topology field', {
    name: z.string(),
    file: z.string().nullable(),
    spec: z.unknown().nullable(),
  }),
  options: strictFields('an options field', {
    // Each once, as the command line makes them (scenario-config.ts): a switch twice is another
    // configuration, whose digest differs, so a file with one would replay as not reproduced (5)
    // instead of being refused for what it is (QA).
    bugs: bugSwitches('bugs'),
    profile: nameOf(Object.keys(PROFILES) as [string, ...string[]]),
    stopOnFirst: z.boolean(),
    crashAt: strictFields('a crashAt field', {
      actor: z.string(),
      event: z.number().int().min(1),
    }).nullable(),
    host: nameOf(['inline', 'threaded', 'free']),
    /**
     * A threaded run's `--workers`, when not one worker per actor (`auto` or a count, as `npusim
     * run` takes it): a replay on threads places the actors the same way, since a race may belong
     * to one cut of the machine. Every placement gives the same digest, so it is no part of the
     * failure's identity. Checked as `--workers` is, so a file is refused before its replay starts
     * (QA: `300` passed here, and the replay printed its header before it was refused).
     */
    workers: z
      .string()
      .refine((text) => placementOf(text) !== undefined, PLACEMENT_EXPECTED)
      .optional(),
    /** The variant run (`--variant`); its parameters are already in `workload.params`. */
    variant: z.string().min(1).optional(),
    /**
     * The switches of `bugs` the variant turned on itself (its `bugs`, workload.ts), absent when
     * none: `bugs` holds them with the command's, so only this says which were the variant's, and
     * a replay refuses a variant that switches others now, as it refuses a changed `set`. Each
     * once, as a variant's own `bugs` are (QA: a repeat here was taken without a word).
     */
    variantBugs: bugSwitches('variantBugs').optional(),
    /** `--set` overrides, already in `workload.params`: kept for the reproduce line. */
    set: z.array(strictFields('a set field', { path: z.string().min(1), value: z.unknown() })).optional(),
  }),
  // One wording for every wrong seed, a string's included (QA67 F2: it had zod's own).
  seed: z
    .number({ error: SEED_EXPECTED })
    .int({ error: SEED_EXPECTED })
    .min(0, { error: SEED_EXPECTED })
    .max(MAX_SEED, { error: SEED_EXPECTED }),
  // Each kind's fields listed when a key is unknown, and a kind none of them is said in the house
  // words (QA Q11: zod's `Unrecognized key: "x"` and `Invalid discriminator value` were printed).
  strategy: z.discriminatedUnion(
    'kind',
    [
      strictFields('a random strategy field', { kind: z.literal('random') }),
      strictFields('a replay strategy field', {
        kind: z.literal('replay'),
        choices: z.array(z.array(z.number().int())),
      }),
      strictFields('a pct strategy field', {
        kind: z.literal('pct'),
        depth: z.number().int().min(1).max(16),
        steps: z.array(z.number().int().min(0)),
        agents: z.number().int().min(0),
      }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `Expected a strategy kind (one of random, replay, pct), got ${shown(kindOf(issue.input))}`
          : undefined,
    },
  ),
  digest: hexDigest("the run's digest"),
  /**
   * The digest of what the run's configuration makes it do (report/outcome-digest.ts
   * configDigestOf): replay compares it with the configuration the file gives, so an edit is seen
   * where the run's digest cannot show it (a crash's file has none: QA, an edited crash file was
   * `reproduced exactly`). Absent from files written before it.
   */
  configDigest: hexDigest("the digest of the run's configuration").optional(),
  /**
   * `clean` (and `first` null): a recording of a run that found nothing (`npusim run --record`).
   * `interrupted` (code 130): a recording of a run Ctrl-C stopped; `first` is what it had found by
   * then (or null), and `figures` say where it stopped (the tick it reached, the events it handled).
   */
  exit: strictFields('an exit field', {
    class: nameOf(['violation', 'liveness', 'crash', 'clean', 'interrupted']),
    code: z.number().int(),
  }),
  first: finding.nullable(),
  figures: strictFields('a figures field', {
    simulatedTicks: z.number().int().min(0),
    events: z.number().int().min(0),
  }),
  /** A free run's take log (free-mode runs replay from it, not from the seed alone); else null. */
  free: freeLogSchema.nullable(),
  /**
   * A shrink's result (`npusim shrink`, which kept at least one candidate): the run it was shrunk
   * from, as that file recorded it (a file shrunk again keeps the first one's), the shrink's runs
   * in all, and how the last shrink ended. Its strategy alone does not say so: a shrink whose
   * budget ran out before the choice passes keeps the seed's (QA: such a file, refused for a
   * changed workload, was said to differ in a parameter its shrink had cut). Absent elsewhere.
   */
  shrink: strictFields('a shrink field', {
    from: strictFields('a shrink.from field', {
      digest: hexDigest("the shrunk run's digest"),
      events: z.number().int().min(0),
      simulatedTicks: z.number().int().min(0),
    }),
    runs: z.number().int().min(1),
    ended: nameOf(['done', 'budget', 'stopped']),
  }).optional(),
});

export type FailureFile = z.infer<typeof fileSchema>;

/** What a shrink says of its result (FailureFile `shrink`). */
export type ShrinkMark = NonNullable<FailureFile['shrink']>;

/**
 * A shrink's result: marked so, or (a file written before the mark) holding a recorded choice
 * log, which only a shrink writes. Its parameters are then the shrink's, not the workload's.
 */
export function isShrunk(file: FailureFile): boolean {
  return file.shrink !== undefined || file.strategy.kind === 'replay';
}

/** The digest of a workload's declared parameters: a replay refuses a workload that changed. */
export function definitionDigest(workload: Workload): string {
  return digestText(JSON.stringify(digestableParams(workload.params)));
}

export interface FailureFacts {
  config: RunConfig;
  workload: Workload;
  host: 'inline' | 'threaded' | 'free';
  /** A threaded run's placement when not per-actor (`auto` or a count): FailureFile options.workers. */
  workers?: string;
  digest: string;
  /**
   * 'clean' with `first` null: a recording (run --record); 'interrupted': a recording of a run
   * Ctrl-C stopped, `first` what it had found by then.
   */
  exitClass: ExitClass | 'clean' | 'interrupted';
  exitCode: number;
  first: FirstFinding | null;
  simulatedTicks: number;
  events: number;
  /** A free run's take log. */
  free?: FreeLog;
  /** A shrink's result: what it was shrunk from (FailureFile `shrink`). */
  shrink?: ShrinkMark;
}

export function buildFailureFile(f: FailureFacts): FailureFile {
  const c = f.config;
  return {
    format: FAILURE_FORMAT,
    formatVersion: FAILURE_FORMAT_VERSION,
    npusim: { version: npusimVersion(), commit: gitCommit() ?? null },
    workload: {
      name: c.workload,
      // Absolute: the replay may run in another directory than the run did (the reproduce line
      // keeps the path as typed, for the directory the run was typed in).
      ...(c.workloadFile === undefined ? {} : { file: resolve(c.workloadFile) }),
      definitionDigest: definitionDigest(f.workload),
      params: c.params,
    },
    topology: {
      name: c.params.topology,
      // Absolute, as the workload's file is (QA: `../../wl/t.json` recorded in a subdirectory named
      // nothing from where the replay ran; its spec is in the file, so only the words were wrong).
      file: c.customTopology === undefined ? null : resolve(c.customTopology.file),
      spec: c.customTopology?.spec ?? null,
    },
    options: {
      bugs: [...c.bugs],
      profile: c.profile ?? 'fixed',
      stopOnFirst: c.stopOnFirst === true,
      crashAt: c.crashAt ?? null,
      host: f.host,
      ...(f.host === 'threaded' && f.workers !== undefined ? { workers: f.workers } : {}),
      ...(c.variant === undefined ? {} : { variant: c.variant }),
      ...variantBugsOf(c, f.workload),
      ...(c.set === undefined ? {} : { set: c.set }),
    },
    seed: c.seed,
    strategy:
      c.strategy?.kind === 'replay'
        ? { kind: 'replay', choices: c.strategy.choices.map((a) => encodeChoices(a)) }
        : c.strategy?.kind === 'pct'
          ? { kind: 'pct', depth: c.strategy.depth, steps: [...c.strategy.steps], agents: c.strategy.agents }
          : { kind: 'random' },
    digest: f.digest,
    configDigest: configDigestOf(c),
    exit: { class: f.exitClass, code: f.exitCode },
    first: f.first,
    figures: { simulatedTicks: f.simulatedTicks, events: f.events },
    free: f.free ?? null,
    ...(f.shrink === undefined ? {} : { shrink: f.shrink }),
  };
}

/** `variantBugs` of a variant's run: the switches its variant turned on (variant-bugs.ts), where any. */
function variantBugsOf(c: RunConfig, workload: Workload): { variantBugs?: string[] } {
  const v = c.variant === undefined ? undefined : workload.variants.find((x) => x.name === c.variant);
  const own = v === undefined ? [] : variantRunBugs([], v, c.profile);
  return own.length === 0 ? {} : { variantBugs: own };
}

/** The `digest` of a run that ended without one (a crash): the field's format still holds. */
export const NO_DIGEST = '0000000000000000';

/**
 * How the file's run stopped, as its exit class and options say: `interrupted` (Ctrl-C), at its
 * `first-finding` (--stop-on-first with a finding: the tick after it), or at its `end` (its
 * duration), the engine's three ends (raw-run.ts `stopped`). A free run's take log says the same
 * (free.stopped) and a run that reached its end reached its duration (figures.simulatedTicks):
 * both are checked against this. (A crash or an engine stall ends a run too, with no end to
 * report: `endedWithoutEnd`.)
 *
 * A --stop-on-first run whose first finding is at the tick it reached found it at its end: the
 * watchdog's last look and the conservation rules judge at the end tick, after the last event,
 * when nothing is left to stop (atsd-hang seed 1 with --duration 103180315, every host: liveness
 * at tick 103180315 = its duration). Stopping at a finding reaches the tick after it instead.
 */
export function recordedStop(file: FailureFile): 'interrupted' | 'first-finding' | 'end' {
  if (recordsInterruptedRun(file)) return 'interrupted';
  if (!file.options.stopOnFirst || file.exit.class === 'clean') return 'end';
  return file.first !== null && file.first.tick >= file.figures.simulatedTicks ? 'end' : 'first-finding';
}

/**
 * A run that ended without a RawRun (assemble-result.ts failedRunResult): a crash, whose figures
 * say the tick it crashed at, or a stalled threaded engine (its liveness rule, at tick 0 with the
 * figures empty). Either stops short of the duration whatever the options said.
 */
export function endedWithoutEnd(file: FailureFile): boolean {
  return file.exit.class === 'crash' || file.first?.rule === ENGINE_STALL_RULE;
}

/**
 * Whether the file records a run Ctrl-C stopped: its class says so, or (a recording written before
 * the class existed) its code is 130 under the class `clean`.
 */
export function recordsInterruptedRun(file: FailureFile): boolean {
  return (
    file.exit.class === 'interrupted' || (file.exit.class === 'clean' && file.exit.code === EXIT.interrupted)
  );
}

/**
 * What tells this failure from any other, as 16 hex digits: its digest, which covers the run's
 * configuration, events and findings (report/outcome-digest.ts). A crash has no digest, so its
 * identity is hashed from what makes it that crash: the workload and its parameters, the topology,
 * the options (`--crash-at` among them) but not the host, which does not change a run, the seed,
 * the strategy, and the crash itself (actor, tick, message).
 */
export function failureIdentity(file: FailureFile): string {
  if (file.digest !== NO_DIGEST) return file.digest;
  const { host: _host, workers: _workers, ...options } = file.options;
  const { workload, topology, seed, strategy, first } = file;
  return digestText(JSON.stringify({ workload, topology, options, seed, strategy, first }));
}

/**
 * The file's name: what failed, where, with the failure's identity (its digest, or a crash's own
 * hash) so two failures do not share a name. A variant's run is named `WORKLOAD.VARIANT`, as its
 * sweep's run results are (sweep.ts), so a directory of failures tells the variants apart (QA).
 */
export function failureFileName(file: FailureFile): string {
  const what = (file.first?.rule ?? 'clean').replace(/[^a-z0-9.-]/gi, '_');
  const variant = file.options.variant === undefined ? '' : `.${file.options.variant}`;
  return `${file.workload.name}${variant.replace(/[^a-z0-9.-]/gi, '_')}-seed${file.seed}-${what}-${failureIdentity(file).slice(0, 8)}.json`;
}

/**
 * What arrived, in core/shown-value.ts's words (a string's DEL or C1 control escaped as its C0
 * controls are, `"2\u001b[2J"`); a field left out is said to be missing. An integer past 2^53-1
 * is said to be one: JSON.parse read `2^60`'s digits as the nearest double, whose own digits
 * (1152921504606847000) are not the file's (QA).
 */
export function shown(v: unknown): string {
  if (isInexactInteger(v))
    return `a number past 2^53-1 (about ${v.toPrecision(3)}), too large for its digits to be read exactly`;
  return shownValue(v, 'nothing (the field is missing)');
}

/** An integer a JSON number read from a file may not be exactly: one past 2^53-1 (either sign). */
export function isInexactInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);
}

/** The `kind` of a strategy object as it arrived (undefined when it has none, or is no object). */
function kindOf(v: unknown): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as { kind?: unknown }).kind
    : undefined;
}
