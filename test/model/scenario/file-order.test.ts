/**
 * A workload file's mistakes are said in the order the file has them (field-order.ts), whichever
 * pass found each: the schema's (an unknown key, a headline item), the parameters' (zod's order
 * of its own keys, then the unknown ones), the headline's paths and the variants' sets (QA: a bad
 * `params` field at line 3, an unknown key at line 2 and a bad headline item at line 8 were said
 * 3, 2, 8). Each message is kept as it was.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { placedInJsonFile } from '../../../src/core/json-place.js';
import { validateWorkload } from '../../../src/model/scenario/workload.js';
import { thrownBy } from '../../support/thrown.js';

/** The refusal of JSON `text` as the loader gives it: validated, then placed at its lines. */
const refusalOf = (text: string) =>
  placedInJsonFile(
    thrownBy(ConfigError, () => validateWorkload(JSON.parse(text), 'w.json')),
    'w.json',
    text,
  );

/** `w.json:LINE:COLUMN: FIELD` of each line of a refusal. */
const placesOf = (e: ConfigError) =>
  e.message.split('\n').map((line) => /^ *(w\.json:\d+:\d+: [^:]+)/.exec(line)?.[1]);

describe("a workload file's mistakes, in its order", () => {
  it('an unknown key in params at line 2, a bad params value at line 3, a bad headline item at line 8', () => {
    const text = [
      '{"name": "w", "description": "d", "params": {',
      '  "colour": 1,',
      '  "gpu": {"dmaBytes": 0},',
      '  "tenants": [{"name": "vm1", "lpid": 1, "groups": "all"}]},',
      '  "headline": [',
      '    {"label": "a", "counter": "firmware.updates"},',
      '    {"label": "b", "counter": "dma.issued"},',
      '    {"label": "c", "rate": "zz"}',
      '  ]',
      '}',
    ].join('\n');
    const e = refusalOf(text);
    expect(placesOf(e)).toEqual([
      'w.json:2:3: params.colour',
      'w.json:3:11: params.gpu.dmaBytes',
      'w.json:8:20: headline[2].rate',
    ]);
    expect(e.field).toBe('w.json:2:3: params.colour');
    // The messages as they were, only their order changed.
    expect(e.message.split('\n').slice(1)).toEqual([
      '  w.json:3:11: params.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0',
      '  w.json:8:20: headline[2].rate: Expected one of ats-hit, tce-hit, got `zz`',
    ]);
  });

  it("after the schema: params before a headline's path when the file has them so, a set's keys as written", () => {
    const text = [
      '{"name": "w", "description": "d",',
      '  "params": {"tenants": [{"name": "vm1", "lpid": 1, "groups": "all"}],',
      '    "host": {"foo": 1}, "gpu": {"zzz": 1, "dmaBytes": 0}},',
      '  "headline": [',
      '    {"label": "b", "param": "gpu.nope"}',
      '  ]',
      '}',
    ].join('\n');
    expect(placesOf(refusalOf(text))).toEqual([
      'w.json:3:14: params.host.foo',
      'w.json:3:33: params.gpu.zzz',
      'w.json:3:43: params.gpu.dmaBytes',
      'w.json:5:20: headline[0].param',
    ]);
    const sets = [
      '{"name": "w", "description": "d",',
      '  "params": {"tenants": [{"name": "vm1", "lpid": 1, "groups": "all"}]},',
      '  "variants": [{"name": "v", "set": {"gpu": {"zzz": 1, "dmaBytes": 0}}}]',
      '}',
    ].join('\n');
    expect(placesOf(refusalOf(sets))).toEqual([
      'w.json:3:46: variants[0].set.gpu.zzz',
      'w.json:3:56: variants[0].set.gpu.dmaBytes',
    ]);
  });

  it('a field the file lacks comes after what is there beside it; a module is ordered by its keys too', () => {
    const e = thrownBy(ConfigError, () =>
      validateWorkload(
        { description: 7, headline: [{ label: 'x', rate: 'zz' }], params: { tenants: [] } },
        'w.ts',
      ),
    );
    expect(e.message.split('\n').map((line) => /^ *w\.ts: ([^:]+)/.exec(line)?.[1])).toEqual([
      'description',
      'headline[0].rate',
      'params.tenants',
      'name',
    ]);
  });
});
