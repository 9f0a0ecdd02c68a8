/**
 * The short hints a refusal of the command line adds when the mistake is a likely one, built from
 * the command table (commands.ts), so a new option or command needs no list kept here:
 * - an option the command does not take (`npusim sweep --seed 3`): the command's own option nearest
 *   to it (`did you mean --seeds?`), the commands that do take it (`--seed` is run's), or the
 *   command's own pointer for an option of another command whose counterpart here has another
 *   name or is not needed (`sweep --out`: `--results DIR`; `CommandSpec.pointers`);
 * - a number and its unit written apart (`--duration 2 ms`): the two arguments together, when the
 *   option takes them so (`did you mean --duration 2ms?`).
 */

import type { parseArgs } from 'node:util';
import { editDistance } from '../core/edit-distance.js';
import { shownText } from '../core/shown-text.js';
import { wordList } from '../core/word-list.js';
import { type CommandSpec, HELP_OPTION, type OptionSpec } from './command-spec.js';

/**
 * A hint for `raw` (`--seed`; `-seed`, a long option written with one dash, as `--seed`), an
 * option `spec` does not take, or undefined when none is likely.
 */
export function unknownOptionHint(
  raw: string,
  spec: CommandSpec,
  commands: readonly CommandSpec[],
): string | undefined {
  if (!raw.startsWith('-')) return undefined;
  const name = raw.replace(/^--?/, '').split('=')[0]!;
  const long = `--${name}`;
  const pointer = spec.pointers?.[name];
  if (pointer !== undefined) return pointer;
  const table = [...spec.options, HELP_OPTION];
  // `--no-inline`: a flag is off unless given.
  const negated = /^no-(.+)$/.exec(name)?.[1];
  if (negated !== undefined && table.some((o) => o.name === negated && o.type === 'boolean')) {
    return `\`--${negated}\` is off unless given: leave \`${shownText(raw)}\` out`;
  }
  const owners = commands
    .filter((c) => c.name !== spec.name && c.options.some((o) => o.name === name))
    .map((c) => `\`npusim ${c.name}\``);
  const elsewhere = owners.length === 0 ? undefined : `\`${long}\` is an option of ${wordList(owners)}`;
  const near = nearestOption(name, table);
  if (near === undefined) return elsewhere;
  return `did you mean \`--${near}\`?${elsewhere === undefined ? '' : ` (${elsewhere})`}`;
}

/**
 * The option of `options` nearest to `name`, if near enough to be a slip (one edit in a short
 * name, two in a longer one, letters' case aside), a start of it (`--topo`), or it with a word
 * added (`--record-file`), else undefined.
 */
function nearestOption(given: string, options: readonly OptionSpec[]): string | undefined {
  const name = given.toLowerCase();
  if (name.length < 2) return undefined;
  const slips = name.length <= 4 ? 1 : 2;
  let best: { name: string; d: number } | undefined;
  for (const o of options) {
    const d =
      name === o.name
        ? 0
        : (name.length >= 3 && o.name.startsWith(name)) || name.startsWith(`${o.name}-`)
          ? 1
          : editDistance(name, o.name);
    if (d <= slips && (best === undefined || d < best.d)) best = { name: o.name, d };
  }
  return best?.name;
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** A unit written apart from its number: the hint, and which positional the unit became. */
export interface SplitValue {
  /** `did you mean `--duration 2ms`?` */
  hint: string;
  /** The unit's index among the command's positionals (0: taken for the workload). */
  positional: number;
}

/**
 * `did you mean `--duration 2ms`?` when an option's value is a number and the argument after it
 * is a word of letters (`--duration 2 ms`: the unit written apart), and the option's parser takes
 * the two together; else undefined. Only such a pair: `--seed 1 2` is a seed and a second
 * argument, not the seed 12. The unit is then a positional: the command's refusal of it (an
 * argument too many, or no workload of that name) carries the hint.
 */
export function splitValueHint(
  tokens: readonly Token[],
  options: readonly OptionSpec[],
): SplitValue | undefined {
  let positionals = 0;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1]!;
    if (t.kind === 'positional') positionals += 1;
    // `--threads 2`: a count of threads given to the flag that takes none (QA), where `--workers`
    // takes it (`no workload has that name` alone did not say so).
    if (
      t.kind === 'option' &&
      t.name === 'threads' &&
      t.value === undefined &&
      next.kind === 'positional' &&
      /^(\d+|auto|per-actor)$/.test(next.value) &&
      options.some((o) => o.name === 'workers')
    )
      return {
        hint: `did you mean \`--workers ${next.value}\`? (\`${t.rawName}\` takes no value)`,
        positional: positionals,
      };
    if (t.kind !== 'option' || next.kind !== 'positional' || t.value === undefined) continue;
    if (!/^\d+(\.\d+)?$/.test(t.value) || !/^[A-Za-z]+$/.test(next.value)) continue;
    const parse = options.find((o) => o.name === t.name)?.parse;
    if (parse === undefined) continue;
    const joined = `${t.value}${next.value}`;
    try {
      parse(joined, `--${t.name}`);
    } catch {
      continue;
    }
    return {
      hint: `did you mean \`${t.rawName}${t.inlineValue === true ? '=' : ' '}${joined}\`?`,
      positional: positionals,
    };
  }
  return undefined;
}
