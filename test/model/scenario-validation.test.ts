/**
 * A workload's errors as a user meets them (model/scenario): every error names the whole field
 * path, what was expected (the allowed names or values) and what arrived. Headline counters are
 * checked against the counters a run can report (actors/metric-names.ts), so a typo is refused at
 * load instead of printing 0 or `none`.
 */
import { describe, expect, test } from 'vitest';
import myWorkload from '../../examples/my-workload.js';
import { ConfigError } from '../../src/core/errors.js';
import { MAX_ISSUES_SHOWN } from '../../src/core/issues-message.js';
import { C, COUNTER_FAMILIES, COUNTER_NAMES, LATER_COUNTERS } from '../../src/model/actors/metric-names.js';
import { validateWorkload } from '../../src/model/scenario/workload.js';
import { applySets, parseParams } from '../../src/model/scenario/workload-params.js';
import { evaluateHeadline } from '../../src/report/headline.js';
import type { RunResult } from '../../src/report/run-result.js';
import { workloads } from '../../workloads/index.js';
import { thrownBy } from '../support/thrown.js';

const params = { topology: 'witherspoon-4', tenants: [{ name: 'host', lpid: 0, groups: 'all' }] };
const base = { name: 'w', description: 'd', params };

const errorOf = (fn: () => unknown) => thrownBy(ConfigError, fn);

const headlineError = (item: unknown) =>
  errorOf(() =>
    validateWorkload({ ...base, headline: [{ label: 'first', counter: 'dma.completed' }, item] }, 'h.json'),
  ).message;

describe('headline params', () => {
  test('a parameter path is checked against the schema, an optional one left unset included', () => {
    const items = ['policy', 'tenants', 'gpu.dmaBytes', 'host.tceMapThreads', 'tenants.0.name'].map(
      (param) => ({ label: param, param }),
    );
    expect(validateWorkload({ ...base, headline: items }, 'h.json').headline).toHaveLength(items.length);
    expect(headlineError({ label: 'size', param: 'gpu.dmaByte' })).toMatch(
      /^h\.json: headline\[1\]\.param: Expected a field of `gpu` \(one of: [^)]*dmaBytes[^)]*\), got `dmaByte` in `gpu\.dmaByte`$/,
    );
    expect(headlineError({ label: 'x', param: 'nope' })).toMatch(
      /^h\.json: headline\[1\]\.param: Expected a workload parameter \(one of: topology, policy, .*\), got `nope` in `nope`$/,
    );
    expect(headlineError({ label: 'x', param: 'policy.name' })).toMatch(
      /headline\[1\]\.param: Expected a field of `policy` \(one of: none \(a value\)\), got `name`/,
    );
  });

  test('a group of parameters, or the bracket form --set takes, is refused at load (it printed `[object Object]`)', () => {
    expect(headlineError({ label: 'x', param: 'gpu' })).toMatch(
      /^h\.json: headline\[1\]\.param: Expected a parameter with a value to show \(a number, a name or a list\), got `gpu`, a group of parameters: name one of its fields \(gpu\.issueIntervalTicks, .*gpu\.dmaBytes.*\)$/,
    );
    expect(headlineError({ label: 'x', param: 'tenants.0' })).toMatch(
      /got `tenants\.0`, a group of parameters: name one of its fields \(tenants\.0\.name, /,
    );
    expect(headlineError({ label: 'x', param: 'tenants[0].name' })).toBe(
      'h.json: headline[1].param: Expected a path of names and indices joined by dots, such as `tenants.0.name`, got `tenants[0].name`',
    );
  });

  test("a variant's set with a key `__proto__` (a JSON file's own key) is refused, not skipped", () => {
    const variants = JSON.parse('[{"name": "v1", "set": {"__proto__": {"durationTicks": 1000000}}}]');
    expect(errorOf(() => validateWorkload({ ...base, variants }, 'w.json')).message).toBe(
      'w.json: variants[0].set.__proto__: Expected a parameter, got unknown key `__proto__`',
    );
  });

  test("a variant's profile must be one of the profiles: each wrong one at its place, all at once, with a did-you-mean", () => {
    const e = errorOf(() =>
      validateWorkload(
        {
          ...base,
          variants: [
            { name: 'v1', profile: 'as-shiped' },
            { name: 'v2', set: {}, profile: 'fixd', expect: ['isolation.firmwar'] },
          ],
        },
        'w.json',
      ),
    );
    expect(e.field).toBe('w.json: variants[0].profile');
    expect(e.message.split('\n')).toEqual([
      'w.json: variants[0].profile: Expected one of as-shipped, fixed, got `as-shiped` (did you mean `as-shipped`?)',
      '  w.json: variants[1].profile: Expected one of as-shipped, fixed, got `fixd` (did you mean `fixed`?)',
      expect.stringMatching(
        /^ {2}w\.json: variants\[1\]\.expect\[0\]: Expected a rule name .*got `isolation\.firmwar`/,
      ),
    ]);
    // A variant on another profile need set nothing: the profile is what it changes.
    const ok = validateWorkload(
      { ...base, variants: [{ name: 'shipped', profile: 'as-shipped' }] },
      'w.json',
    );
    expect(ok.variants).toEqual([
      { name: 'shipped', set: {}, profile: 'as-shipped', bugs: [], expect: 'clean' },
    ]);
  });

  test('an index into a list is a number: a name there says so', () => {
    expect(headlineError({ label: 'x', param: 'tenants.x.name' })).toBe(
      'h.json: headline[1].param: Expected an index of the list `tenants` (0, 1, ...), got `x` in `tenants.x.name`',
    );
  });

  test("in the answer, a parameter left unset reads `not set`, an index past this run's list says so", () => {
    const result = {
      config: { params: { topology: 'witherspoon-4', tenants: [{ name: 'host' }] } },
    } as unknown as RunResult;
    const items = [
      { label: 'resets', param: 'resets' },
      { label: 'sixth', param: 'tenants.5.name' },
      { label: 'first', param: 'tenants.0.name' },
    ];
    expect(evaluateHeadline(items, result).map((h) => h.text)).toEqual([
      'not set',
      "none (this run's list has 1)",
      'host',
    ]);
  });
});

describe('text a workload shows', () => {
  test('a description, question, label, headline label or variant description with a control character is refused at load', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, question: 'line1\nline2' }, 'question'],
      [{ ...base, description: 'tab\there' }, 'description'],
      [{ ...base, label: 'red \u001b[31m' }, 'label'],
      [{ ...base, headline: [{ label: 'multi\nline', counter: 'dma.completed' }] }, 'headline[0].label'],
      [{ ...base, variants: [{ name: 'v', description: 'a\rb', set: {} }] }, 'variants[0].description'],
    ];
    for (const [def, field] of cases) {
      expect(errorOf(() => validateWorkload(def, 'w.json')).message).toMatch(
        new RegExp(
          `^w\\.json: ${field.replace(/[[\].]/g, '\\$&')}: Expected one line of printable text, got ".*" \\(a control character in it: a newline, a tab or an escape\\)$`,
        ),
      );
    }
    expect(validateWorkload({ ...base, question: 'Does it leak? (yes: a finding)' }, 'w.json').question).toBe(
      'Does it leak? (yes: a finding)',
    );
  });
});

describe('headline counters', () => {
  test('every counter a run can report, and every family under `prefix.*`, is accepted', () => {
    const items = [
      ...COUNTER_NAMES.map((counter) => ({ label: counter, counter })),
      ...Object.keys(COUNTER_FAMILIES).map((f) => ({ label: f, counter: `${f}.*` })),
      { label: 'all atsd', counter: 'atsd.*' },
      { label: 'sum', counter: `${C.dmaCompleted}+${LATER_COUNTERS[0]}+atsd.invalidate.2M` },
    ];
    expect(validateWorkload({ ...base, headline: items }, 'h.json').headline).toHaveLength(items.length);
    // The families are what the actors count under: atsd-port.ts's `atsd.invalidate.<size>`.
    expect(COUNTER_NAMES).toContain('atsd.invalidate.2M');
    expect(COUNTER_NAMES).toContain('atsd.guest.reg7');
    expect(COUNTER_NAMES).toContain('nmmu.fault.no-pte');
  });

  test('an unknown counter is refused with the file, the item, the field, the name and the nearest names', () => {
    expect(headlineError({ label: 'done', counter: 'dma.completd' })).toBe(
      'h.json: headline[1].counter: Expected a counter name (nearest: dma.completed, dma.faulted, dma.issued, dma.bytes), got `dma.completd`',
    );
  });

  // QA: the headline's slip (a mistake of the schema's stage) hid every mistake in `params`.
  test('a headline slip and mistakes in params are refused together, in the order the file has them', () => {
    const def = {
      name: 'w',
      description: 'd',
      headline: [{ label: 'done', counter: 'dma.completd' }],
      params: { ...params, tenants: [{ name: 'vm1', lpid: '1', groups: 'all' }], gpu: { dmaBytes: 0 } },
    };
    expect(errorOf(() => validateWorkload(def, 'h.json')).message).toBe(
      [
        'h.json: headline[0].counter: Expected a counter name (nearest: dma.completed, dma.faulted, dma.issued, dma.bytes), got `dma.completd`',
        '  h.json: params.tenants[0].lpid: Expected an integer from 0 to 4095, got the string "1"',
        '  h.json: params.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0',
      ].join('\n'),
    );
    // Params first in the file: said first.
    const { headline, ...rest } = def;
    expect(errorOf(() => validateWorkload({ ...rest, headline }, 'h.json')).field).toBe(
      'h.json: params.tenants[0].lpid',
    );
  });

  test('a `prefix.*` that matches no counter is refused, naming the families near it', () => {
    expect(headlineError({ label: 'by size', counter: 'atsd.size.*' })).toBe(
      "h.json: headline[1].counter: Expected `prefix.*` whose prefix starts some counter's name (nearest: atsd.host.*, atsd.*, atsd.guest.*, atsd.invalidate.*), got `atsd.size.*`",
    );
  });

  test('one unknown name in a sum is refused and named', () => {
    expect(headlineError({ label: 'sum', counter: 'peer.refused+peer.blockedLocaly' })).toMatch(
      /^h\.json: headline\[1\]\.counter: Expected a counter name \(nearest: peer\.blockedLocally.*\), got `peer\.blockedLocaly` in `peer\.refused\+peer\.blockedLocaly`$/,
    );
  });

  test('every built-in workload and the example load (their headlines name real counters)', () => {
    expect(workloads.length).toBeGreaterThan(10);
    for (const w of workloads) expect(() => validateWorkload(w, w.name), w.name).not.toThrow();
    expect(myWorkload.headline.map((h) => ('counter' in h ? h.counter : undefined))).toContain(
      'atsd.invalidate.*',
    );
  });
});

describe('headline items', () => {
  test('an unknown latency names the field, the allowed histograms and what arrived', () => {
    const m = headlineError({ label: 'p', latency: 'dma.latencyTick' });
    expect(m).toMatch(/^h\.json: headline\[1\]\.latency: Expected one of .*, dma\.latencyTicks, /);
    expect(m).toMatch(/, got `dma\.latencyTick` \(did you mean `dma\.latencyTicks`\?\)$/);
  });

  test('a bad stat names the field, the allowed stats and what arrived', () => {
    expect(headlineError({ label: 'p', latency: 'dma.latencyTicks', stat: 'p98' })).toBe(
      'h.json: headline[1].stat: Expected one of count, p50, p99, p999, max, got `p98` (did you mean `p99`?)',
    );
  });

  test('an item of no kind, and an unknown key in an item, say what a figure may have', () => {
    expect(headlineError({ label: 'p', latncy: 'dma.latencyTicks' })).toBe(
      'h.json: headline[1]: Expected a figure with a label and one of `counter`, `latency`, `links`, `rate`, `nmmu`, `param`, got the keys `label`, `latncy` (did you mean `latency`?)',
    );
    expect(headlineError({ label: 'p', rate: 'ats-hit', per: 'run' })).toBe(
      'h.json: headline[1].per: Expected a field of a rate figure (one of: label, rate), got unknown key `per`',
    );
  });
});

describe('parameters', () => {
  test('an unknown key names itself and lists the keys allowed there', () => {
    expect(
      errorOf(() => validateWorkload({ ...base, params: { ...params, gpu: { dmaBites: 4 } } }, 'w.json'))
        .message,
    ).toMatch(
      /^w\.json: params\.gpu\.dmaBites: Expected a gpu parameter \(one of: issueIntervalTicks, .*dmaBytes.*\), got unknown key `dmaBites` \(did you mean `dmaBytes`\?\)$/,
    );
    expect(errorOf(() => validateWorkload({ ...base, nmae: 'x' }, 'w.json')).message).toMatch(
      /^w\.json: nmae: Expected a workload field \(one of: name, description, .*\), got unknown key `nmae` \(did you mean `name`\?\)$/,
    );
  });

  test('a parameter written outside its group is pointed to its place there (a list by its first item)', () => {
    const messageOf = (extra: object) =>
      errorOf(() => validateWorkload({ ...base, params: { ...params, ...extra } }, 'w.json')).message;
    expect(messageOf({ dmaBytes: 4096 })).toMatch(
      /^w\.json: params\.dmaBytes: Expected a workload parameter \(one of: .*\), got unknown key `dmaBytes` \(did you mean `gpu\.dmaBytes`\?\)$/,
    );
    // A slip of the key in its group, and a tenant's field, named as --set takes it.
    expect(messageOf({ cpuThread: 2 })).toMatch(
      /got unknown key `cpuThread` \(did you mean `host\.cpuThreads`\?\)$/,
    );
    expect(messageOf({ pageSizes: ['2M'] })).toMatch(/\(did you mean `tenants\[0\]\.pageSizes`\?\)$/);
    // A slip of a key of this level is said as before, with no guess one level down.
    expect(messageOf({ polcy: 'per-gpu' })).toMatch(/got unknown key `polcy` \(did you mean `policy`\?\)$/);
    // Nothing near anywhere: no hint.
    expect(messageOf({ zzzzzz: 1 })).toMatch(/got unknown key `zzzzzz`$/);
  });

  test("a variant's set in a file is named by one path to the field; a --set by the option as typed", () => {
    // QA: `variants[0].set.gpu: dmaBytes: ...` put a colon inside the field's path.
    const variant = { name: 'x', set: { gpu: { dmaBytes: 0 } } };
    expect(errorOf(() => validateWorkload({ ...base, variants: [variant] }, 'w.json')).message).toBe(
      'w.json: variants[0].set.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0',
    );
    const p = parseParams(params, 'w.json: params');
    expect(errorOf(() => applySets(p, { gpu: { dmaBytes: 0 } }, (path) => `--set ${path}`)).message).toBe(
      '--set gpu: dmaBytes: Expected an integer from 1 to 65536, got 0',
    );
  });

  test('a union no option takes says every option and what arrived, names in backticks as a choice says them', () => {
    const groups = (g: unknown) =>
      errorOf(() =>
        parseParams({ ...params, tenants: [{ name: 'host', lpid: 0, groups: g }] }, 'w.json: params'),
      ).message;
    expect(groups('some')).toBe(
      'w.json: params.tenants[0].groups: Expected a list, `all` or `rest`, got `some`',
    );
    // A slip of one of the names gets its hint, a swap of two letters too.
    expect(groups('rset')).toBe(
      'w.json: params.tenants[0].groups: Expected a list, `all` or `rest`, got `rset` (did you mean `rest`?)',
    );
    expect(groups('al')).toContain('got `al` (did you mean `all`?)');
    // What is no string is shown as it is.
    expect(groups(3)).toBe('w.json: params.tenants[0].groups: Expected a list, `all` or `rest`, got 3');
    expect(groups({})).toBe(
      'w.json: params.tenants[0].groups: Expected a list, `all` or `rest`, got an object',
    );
  });

  test('every mistake of a file is said in one refusal, each on its own line at its place (the first as alone)', () => {
    const bad = {
      ...params,
      tenants: [
        { name: 'a', lpid: 1, groups: 'all' },
        { nmae: 'b', lpid: '2', groups: 'rset' },
        { name: 'c', lpid: -1, groups: 'rest' },
      ],
    };
    const e = errorOf(() => parseParams(bad, 'w.json: params'));
    expect(e.field).toBe('w.json: params.tenants[1].nmae');
    expect(e.message.split('\n')).toEqual([
      expect.stringMatching(
        /^w\.json: params\.tenants\[1\]\.nmae: Expected a tenant field \(one of: .*\), got unknown key `nmae` \(did you mean `name`\?\)$/,
      ),
      '  w.json: params.tenants[1].lpid: Expected an integer from 0 to 4095, got the string "2"',
      '  w.json: params.tenants[1].groups: Expected a list, `all` or `rest`, got `rset` (did you mean `rest`?)',
      '  w.json: params.tenants[2].lpid: Expected an integer from 0 to 4095, got -1',
    ]);
    // One mistake: one line, as before.
    const one = { ...params, tenants: [{ name: 'a', lpid: -1, groups: 'all' }] };
    expect(errorOf(() => parseParams(one, 'w.json: params')).message).toBe(
      'w.json: params.tenants[0].lpid: Expected an integer from 0 to 4095, got -1',
    );
  });

  test('past MAX_ISSUES_SHOWN mistakes the rest are counted, not listed', () => {
    const tenants = Array.from({ length: 14 }, (_, i) => ({ name: `t${i}`, lpid: -1, groups: 'all' }));
    const lines = errorOf(() => parseParams({ ...params, tenants }, 'w.json: params')).message.split('\n');
    expect(lines).toHaveLength(MAX_ISSUES_SHOWN + 1);
    expect(lines[0]).toBe('w.json: params.tenants[0].lpid: Expected an integer from 0 to 4095, got -1');
    expect(lines[MAX_ISSUES_SHOWN - 1]).toBe(
      `  w.json: params.tenants[${MAX_ISSUES_SHOWN - 1}].lpid: Expected an integer from 0 to 4095, got -1`,
    );
    expect(lines[MAX_ISSUES_SHOWN]).toBe(`  and ${14 - MAX_ISSUES_SHOWN} more`);
  });

  test('a workload file: its own fields and its params are each refused with all their mistakes', () => {
    const e = errorOf(() =>
      validateWorkload({ nmae: 'w', description: 5, params: {} }, 'w.json'),
    ).message.split('\n');
    expect(e[0]).toMatch(/^w\.json: nmae: Expected .*got unknown key `nmae` \(did you mean `name`\?\)$/);
    // And the params' own, in the same refusal (QA: they were said only once the rest was right).
    expect(e.slice(1)).toEqual([
      '  w.json: description: Expected a string, got 5',
      '  w.json: params.tenants: Expected a list of at least one tenant, such as [{"name": "vm1", "lpid": 1, "groups": "all"}] (README.md "Your own workloads and topologies"), got nothing (the field is missing)',
    ]);
  });

  test('--set of an unknown top-level key: what a parameter is, and the key, at the set that named it', () => {
    const p = parseParams(params, '');
    const set = (sets: Record<string, unknown>) =>
      errorOf(() => applySets(p, sets, (path) => `--set ${path}`)).message;
    const allowed = 'one of: topology, policy, durationTicks, tenants, gpu, host, mmio, resets';
    expect(set({ foo: 1 })).toBe(
      `--set foo: Expected a workload parameter (${allowed}), got unknown key \`foo\``,
    );
    expect(set({ name: 'x' })).toBe(
      `--set name: Expected a workload parameter (${allowed}), got unknown key \`name\` (did you mean \`tenants[0].name\`?)`,
    );
    expect(set({ 'gpu.dmaBytes': 8, 'foo.bar': 1 })).toBe(
      `--set foo.bar: foo: Expected a workload parameter (${allowed}), got unknown key \`foo\``,
    );
    // A field the set reached deeper than it named keeps the field; the set's own field is not repeated.
    expect(set({ 'gpu.dmaBytes': 'lots' })).toBe(
      '--set gpu.dmaBytes: Expected an integer from 1 to 65536, got the string "lots"',
    );
    expect(set({ tenants: [{ name: 'a', lpid: 'x', groups: 'all' }] })).toBe(
      '--set tenants: [0].lpid: Expected an integer from 0 to 4095, got the string "x"',
    );
    expect(set({ 'tenants.0.lpid': -1 })).toBe(
      '--set tenants.0.lpid: Expected an integer from 0 to 4095, got -1',
    );
    // An object's own keys only (QA: `__proto__` was accepted and ignored, `hasOwnProperty.x`
    // reached the function of that name).
    expect(set(JSON.parse('{"__proto__": 1}') as Record<string, unknown>)).toBe(
      '--set __proto__: Expected a parameter, got unknown key `__proto__`',
    );
    expect(set({ '__proto__.gpu': 1 })).toBe(
      '--set __proto__.gpu: Expected a parameter, got unknown key `__proto__`',
    );
    expect(set({ 'gpu.__proto__': 1 })).toBe(
      '--set gpu.__proto__: Expected a parameter of `gpu`, got unknown key `__proto__`',
    );
    expect(set({ 'hasOwnProperty.x': 1 })).toBe(
      `--set hasOwnProperty.x: hasOwnProperty: Expected a workload parameter (${allowed}), got unknown key \`hasOwnProperty\``,
    );
    expect(set({ 'constructor.prototype.x': 1 })).toBe(
      `--set constructor.prototype.x: constructor: Expected a workload parameter (${allowed}), got unknown key \`constructor\``,
    );
  });
});

describe('sets: one rule for --set, a variant and the library', () => {
  const set = (p: ReturnType<typeof parseParams>, sets: Record<string, unknown>) =>
    applySets(p, sets, (path) => `--set ${path}`);

  test("an object merges into the workload's object key by key; a list replaces the list", () => {
    // QA: `--set 'gpu={"engines":1}'` reset my-workload's own gpu values to the defaults.
    const mine = parseParams(myWorkload.params, '');
    const merged = set(mine, { gpu: { engines: 1 } });
    expect(merged.gpu).toEqual({ ...mine.gpu, engines: 1 });
    expect(merged.host).toEqual(mine.host);
    // Into a list's item too (a tenant), and an object where there was none is taken whole.
    const tenant = set(mine, { 'tenants[0]': { pagesPerProcess: 8 } }).tenants[0]!;
    expect(tenant).toEqual({ ...mine.tenants[0], pagesPerProcess: 8 });
    const resets = set(mine, { resets: { intervalTicks: 1_000_000 } }).resets;
    expect(resets).toEqual({
      intervalTicks: 1_000_000,
      sbrHoldTicks: 5_000_000,
      npuResetDelayTicks: 10_000_000,
      relinkDelayTicks: 0,
    });
    // A list has no names to merge by: the one given is the list the run gets.
    const two = { name: 'b', lpid: 2, groups: 'rest' };
    expect(set(mine, { tenants: [two] }).tenants.map((t) => t.name)).toEqual(['b']);
    expect(set(mine, { 'tenants[0].pageSizes': ['2M'] }).tenants[0]!.pageSizes).toEqual(['2M']);
    // A key `__proto__` inside the object stays a key, refused, not a prototype set silently.
    expect(() => set(mine, { gpu: JSON.parse('{"__proto__": {"engines": 1}}') })).toThrow(
      /^--set gpu: __proto__: Expected a gpu parameter \(one of: .*\), got unknown key `__proto__`$/,
    );
  });

  test('an empty object merged into a group changes nothing, so it is refused naming the set and the group', () => {
    const mine = parseParams(myWorkload.params, '');
    const message = (sets: Record<string, unknown>) => errorOf(() => set(mine, sets)).message;
    const firstKey = (group: object) => Object.keys(group)[0];
    expect(message({ host: {} })).toBe(
      `--set host: Expected an object of the parameters to change in \`host\` (such as \`${firstKey(mine.host)}\`), got an empty object, which changes nothing`,
    );
    expect(message({ 'tenants[0]': {} })).toMatch(
      /^--set tenants\[0\]: Expected an object of the parameters to change in `tenants\[0\]` \(such as `name`\), got an empty object/,
    );
    // In a variant's set too, named by its path in the file.
    const variant = { name: 'v', description: 'd', set: { gpu: {} } };
    expect(errorOf(() => validateWorkload({ ...base, variants: [variant] }, 'w.json')).message).toMatch(
      /^w\.json: variants\[0\]\.set\.gpu: Expected an object of the parameters to change in `gpu` \(such as `\w+`\), got an empty object, which changes nothing$/,
    );
    // An empty object where there was none, or where a list or value was, is no merge: the
    // schema says what it expected there.
    expect(message({ 'tenants[0].pageSizes': {} })).not.toMatch(/changes nothing/);
  });

  test('two paths of one parameter are refused naming both, in either order', () => {
    const p = parseParams(params, '');
    const message = (sets: Record<string, unknown>) => errorOf(() => set(p, sets)).message;
    const inside = (first: string, second: string, inner: string, outer: string) =>
      `Expected each parameter set once, got \`${first}\` and \`${second}\`, one inside the other: give \`${inner}\` inside the value of \`${outer}\`, or each field by its own path`;
    expect(message({ 'gpu.dmaBytes': 512, gpu: { engines: 1 } })).toBe(
      `--set gpu: ${inside('gpu.dmaBytes', 'gpu', 'gpu.dmaBytes', 'gpu')}`,
    );
    expect(message({ gpu: { engines: 1 }, 'gpu.dmaBytes': 512 })).toBe(
      `--set gpu.dmaBytes: ${inside('gpu', 'gpu.dmaBytes', 'gpu.dmaBytes', 'gpu')}`,
    );
    // The empty list is a mistake of its own, said first, as its set comes first.
    expect(message({ tenants: [], 'tenants[0].name': 'x' })).toBe(
      '--set tenants: Expected a list of at least one tenant, such as [{"name": "vm1", "lpid": 1, "groups": "all"}] (README.md "Your own workloads and topologies"), got an empty list\n' +
        `  --set tenants[0].name: ${inside('tenants', 'tenants[0].name', 'tenants[0].name', 'tenants')}`,
    );
    expect(message({ 'tenants[0].lpid': 1, 'tenants.0.lpid': 2 })).toBe(
      '--set tenants.0.lpid: Expected each parameter set once, got `tenants[0].lpid` and `tenants.0.lpid`: one parameter twice',
    );
    // Paths side by side are not one inside the other (`gpu.dma` is not a prefix of `gpu.dmaBytes`).
    expect(set(p, { 'gpu.dmaBytes': 512, 'gpu.engines': 1, 'tenants[0].lpid': 0 }).gpu.dmaBytes).toBe(512);
  });

  // QA: `--set tenants[0].lpid=2` beside a tenant 1 with LPID 2 was refused as `tenants[1].lpid:
  // ... got 2 (tenants[0] has it)`, as if tenant 1's own value were the mistake.
  test('a clash between tenants a set made is told at the field the set changed', () => {
    const two = parseParams(
      {
        ...params,
        tenants: [
          { name: 'a', lpid: 1, groups: [0] },
          { name: 'b', lpid: 2, groups: [1] },
          { name: 'c', lpid: 3, groups: 'rest' },
        ],
      },
      '',
    );
    const set = (sets: Record<string, unknown>) =>
      errorOf(() => applySets(two, sets, (path) => `--set ${path}`)).message;
    expect(set({ 'tenants[0].lpid': 2 })).toBe(
      '--set tenants[0].lpid: Expected an LPID no other tenant has, got 2 (tenants[1] has it)',
    );
    expect(set({ 'tenants.0.name': 'b' })).toBe(
      '--set tenants.0.name: Expected a name no other tenant has, got `b` (tenants[1] has it)',
    );
    expect(set({ 'tenants[0].groups': [1, 0] })).toBe(
      '--set tenants[0].groups: Expected IOMMU groups no other tenant takes, got 1 (tenants[1] takes it)',
    );
    expect(set({ 'tenants[0].groups': 'all', 'tenants[2].groups': [2] })).toBe(
      '--set tenants[0].groups: Expected IOMMU groups no other tenant takes, got "all" (tenants[1] takes group 1)\n' +
        '  --set tenants[2].groups: Expected IOMMU groups no other tenant takes, got 2 (tenants[0] takes them all)',
    );
    // The later tenant changed: told there, as a file's clash is.
    expect(set({ 'tenants[1].lpid': 1 })).toBe(
      '--set tenants[1].lpid: Expected an LPID no other tenant has, got 1 (tenants[0] has it)',
    );
    // Both changed by one set: told at the later, under it.
    expect(
      set({
        tenants: [
          { name: 'a', lpid: 1, groups: [0] },
          { name: 'b', lpid: 1, groups: 'rest' },
        ],
      }),
    ).toBe('--set tenants: [1].lpid: Expected an LPID no other tenant has, got 1 (tenants[0] has it)');
  });

  test("a variant's set follows the same rule, refused when the workload is loaded", () => {
    const variant = { name: 'x', set: { gpu: { engines: 1 }, 'gpu.dmaBytes': 512 } };
    expect(errorOf(() => validateWorkload({ ...base, variants: [variant] }, 'w.json')).message).toBe(
      'w.json: variants[0].set.gpu.dmaBytes: Expected each parameter set once, got `gpu` and `gpu.dmaBytes`, one inside the other: give `gpu.dmaBytes` inside the value of `gpu`, or each field by its own path',
    );
  });
});

describe('every independent mistake in one refusal', () => {
  const p = parseParams(params, '');
  const setError = (sets: Record<string, unknown>) =>
    errorOf(() => applySets(p, sets, (path) => `--set ${path}`));

  test('sets: each bad set is named, in the order given, the first at .field', () => {
    const e = setError({ 'gpu.dmaBytes': 0, 'tenants[3].name': 'x', policy: 'nope' });
    expect(e.field).toBe('--set gpu.dmaBytes');
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('--set gpu.dmaBytes: Expected an integer from 1 to 65536, got 0');
    expect(lines[1]).toBe('  --set tenants[3].name: Expected an index of `tenants` from 0 to 0, got 3');
    expect(lines[2]).toMatch(/^ {2}--set policy: Expected .*got `nope`/);
    expect(lines).toHaveLength(3);
  });

  test("one set's object with several bad keys names each key, in the schema's order", () => {
    expect(setError({ gpu: { dmaBytes: 0, engines: 'two' } }).message.split('\n')).toEqual([
      '--set gpu: engines: Expected an integer from 0 to 16, got the string "two"',
      '  --set gpu: dmaBytes: Expected an integer from 1 to 65536, got 0',
    ]);
  });

  test("a variant's set with several bad keys, each at its path in the file", () => {
    const variant = { name: 'x', set: { 'gpu.dmaBytes': 0, 'host.nope': 1 } };
    const e = errorOf(() => validateWorkload({ ...base, variants: [variant] }, 'w.json'));
    expect(e.field).toBe('w.json: variants[0].set.gpu.dmaBytes');
    expect(e.message.split('\n')).toEqual([
      'w.json: variants[0].set.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0',
      expect.stringMatching(
        /^ {2}w\.json: variants\[0\]\.set\.host\.nope: Expected a host parameter .*got unknown key `nope`/,
      ),
    ]);
  });

  test("the checks across fields: the GPU's percentages, each duplicate name and LPID", () => {
    const tenants = [
      { name: 'a', lpid: 1, groups: 'all' },
      { name: 'a', lpid: 1, groups: 'all' },
      { name: 'b', lpid: 1, groups: 'all' },
    ];
    const e = errorOf(() =>
      parseParams(
        { ...params, tenants, gpu: { ut0Percent: 50, ut1Percent: 0, peerPercent: 0 } },
        'w.json: params',
      ),
    );
    expect(e.field).toBe('w.json: params.gpu');
    expect(e.message.split('\n')).toEqual([
      'w.json: params.gpu: Expected ut0Percent + ut1Percent + peerPercent to be 100, got 50',
      '  w.json: params.tenants[1].name: Expected a name no other tenant has, got `a` (tenants[0] has it)',
      '  w.json: params.tenants[1].lpid: Expected an LPID no other tenant has, got 1 (tenants[0] has it)',
      '  w.json: params.tenants[2].lpid: Expected an LPID no other tenant has, got 1 (tenants[0] has it)',
      '  w.json: params.tenants[1].groups: Expected IOMMU groups no other tenant takes, got "all" (tenants[0] takes them all)',
      '  w.json: params.tenants[2].groups: Expected IOMMU groups no other tenant takes, got "all" (tenants[0] takes them all)',
    ]);
  });

  // QA67 E: a clash was the model's refusal of the first one only, after the other checks; a group
  // named twice in one list ran with no word.
  test('the checks across fields: every IOMMU group two tenants take, and one named twice, with the others', () => {
    const tenants = [
      { name: 'a', lpid: 1, groups: [1, 0, 0] },
      { name: 'a', lpid: 2, groups: [1] },
      { name: 'c', lpid: 3, groups: 'rest' },
      { name: 'd', lpid: 4, groups: [2, 0] },
      { name: 'e', lpid: 5, groups: 'all' },
    ];
    const e = errorOf(() => parseParams({ ...params, tenants }, 'w.json: params'));
    expect(e.message.split('\n')).toEqual([
      'w.json: params.tenants[1].name: Expected a name no other tenant has, got `a` (tenants[0] has it)',
      '  w.json: params.tenants[0].groups: Expected each group once, got 0 twice',
      '  w.json: params.tenants[1].groups: Expected IOMMU groups no other tenant takes, got 1 (tenants[0] takes it)',
      '  w.json: params.tenants[3].groups: Expected IOMMU groups no other tenant takes, got 0 (tenants[0] takes it)',
      '  w.json: params.tenants[4].groups: Expected IOMMU groups no other tenant takes, got "all" (tenants[0] takes group 0)',
    ]);
    // `rest` after `all`, and a list after `all`: `all` left nothing.
    const after = errorOf(() =>
      parseParams(
        {
          ...params,
          tenants: [
            { name: 'a', lpid: 1, groups: 'all' },
            { name: 'b', lpid: 2, groups: [3] },
          ],
        },
        'w.json: params',
      ),
    );
    expect(after.message).toBe(
      'w.json: params.tenants[1].groups: Expected IOMMU groups no other tenant takes, got 3 (tenants[0] takes them all)',
    );
    // Apart, as every built-in workload gives them: no issue.
    expect(() =>
      parseParams(
        {
          ...params,
          tenants: [
            { name: 'a', lpid: 1, groups: [0, 2] },
            { name: 'b', lpid: 2, groups: [1] },
            { name: 'c', lpid: 3, groups: 'rest' },
          ],
        },
        'w.json: params',
      ),
    ).not.toThrow();
  });

  test('a workload file without `params` is told what the field holds (it said `Expected a value`)', () => {
    const e = errorOf(() => validateWorkload({ name: 'w', description: 'd' }, 'w.json'));
    expect(e.field).toBe('w.json: params');
    expect(e.message).toBe(
      'w.json: params: Expected the workload\'s parameters, an object with at least `tenants`, such as {"tenants": [{"name": "vm1", "lpid": 1, "groups": "all"}]} (README.md "Your own workloads and topologies"), got nothing (the field is missing)',
    );
  });

  test('a workload file: a headline param, its params and its variants, in the order of the file', () => {
    const e = errorOf(() =>
      validateWorkload(
        {
          // Not `...base`: its `params` would come before `headline` in the file.
          name: 'w',
          description: 'd',
          headline: [{ label: 'x', param: 'nope' }],
          params: { ...params, gpu: { ut0Percent: 50, ut1Percent: 0, peerPercent: 0 } },
          variants: [
            { name: 'v', set: {} },
            { name: 'v', set: {} },
          ],
        },
        'w.json',
      ),
    );
    expect(e.field).toBe('w.json: headline[0].param');
    const lines = e.message.split('\n');
    expect(lines[0]).toMatch(
      /^w\.json: headline\[0\]\.param: Expected a workload parameter .*got `nope` in `nope`$/,
    );
    expect(lines.slice(1)).toEqual([
      '  w.json: params.gpu: Expected ut0Percent + ut1Percent + peerPercent to be 100, got 50',
      '  w.json: variants[1].name: Expected a variant name no other variant has, got `v`: variants[0] has it too',
    ]);
  });
});

describe('spans of simulated time', () => {
  const spans = [
    'gpu.issueIntervalTicks',
    'gpu.collectiveGapTicks',
    'host.unmapIntervalTicks',
    'host.tceRemapIntervalTicks',
    'host.shootdownDeadlineTicks',
    'host.contextChurnIntervalTicks',
    'host.contextStepTicks',
    'mmio.accessIntervalTicks',
    'resets.intervalTicks',
    'resets.sbrHoldTicks',
    'resets.npuResetDelayTicks',
    'resets.relinkDelayTicks',
  ];
  const withSpan = (path: string, value: number) => {
    const p = parseParams({ ...params, resets: { intervalTicks: 1_000_000 } }, 'w');
    return applySets(p, { [path]: value }, (at) => `--set ${at}`);
  };

  test.each(spans)('%s: above 2^32 ticks is a span like any other, up to the longest run', (path) => {
    for (const value of [2 ** 32 + 1, 1e15]) {
      const [group, field] = path.split('.') as [string, string];
      expect(
        (withSpan(path, value) as unknown as Record<string, Record<string, number>>)[group]![field],
      ).toBe(value);
    }
  });

  test('resets.relinkDelayTicks: 0 (at once) is taken; a negative, fractional or non-number delay is refused, naming the field', () => {
    expect(withSpan('resets.relinkDelayTicks', 0).resets?.relinkDelayTicks).toBe(0);
    for (const [value, got] of [
      [-1, '-1'],
      [1.5, '1.5'],
      ['x', 'the string "x"'],
    ] as const)
      expect(errorOf(() => withSpan('resets.relinkDelayTicks', value as number)).message).toBe(
        `--set resets.relinkDelayTicks: Expected an integer from 0 to 1000000000000000, got ${got}`,
      );
  });

  test.each(spans)('%s: longer than the longest run is refused, naming the field', (path) => {
    // 1e16 and 2^60 are above 2^53, where zod's int check would have spoken first.
    for (const value of [1e15 + 1, 1e16, 2 ** 60]) {
      expect(errorOf(() => withSpan(path, value)).message).toBe(
        `--set ${path}: Expected at most 1000 s (1000000000000000 ticks, the longest run), got ${String(value)}`,
      );
    }
  });
});

describe('a workload key with a control character in it', () => {
  // The message escaped it, but the place before it printed it raw: `w.json: te` on one line and
  // `nants: Expected ...` on the next (QA).
  test('is named escaped, on one line, in the place and in the message', () => {
    for (const def of [
      { ...base, 'te\nnants': 1 },
      { ...base, params: { ...params, 'gp\u001b[2Ju': {} } },
    ]) {
      const e = errorOf(() => validateWorkload(def, 'w.json'));
      const said = `${e.field}: ${e.message}`;
      expect(said).not.toMatch(/\p{Cc}/u);
      expect(said).toMatch(/te\\u000anants|gp\\u001b\[2Ju/);
    }
  });
});

describe('keys that belong to the command', () => {
  // A workload's `bugs` was hinted towards `exposes[0].bug`, which switches no bug on (QA).
  test('`bugs` in a workload or its params, and `seed` or `profile` in its params, say what the command takes instead', () => {
    const bugs = errorOf(() => validateWorkload({ ...base, bugs: ['single-flush'] }, 'w.json'));
    expect(bugs.field).toBe('w.json: bugs');
    expect(bugs.message).toContain(
      'got unknown key `bugs` (a bug is switched on by the command, `--bug NAME`',
    );
    expect(bugs.message).not.toContain('did you mean');
    for (const key of ['bugs', 'seed', 'profile']) {
      const e = errorOf(() => validateWorkload({ ...base, params: { ...params, [key]: 1 } }, 'w.json'));
      expect({ field: e.field, message: e.message }).toEqual({
        field: `w.json: params.${key}`,
        message: expect.stringMatching(
          new RegExp(`got unknown key \`${key}\` \\((a bug|the seed|the profile) is .*the command`),
        ),
      });
    }
    // A slip of an allowed key keeps its did-you-mean.
    expect(
      errorOf(() => validateWorkload({ ...base, params: { ...params, polcy: 'per-gpu' } }, 'w.json')).message,
    ).toContain('(did you mean `policy`?)');
  });
});
