import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { jsonFieldPlace, jsonPlace, placedInJsonFile } from '../../src/core/json-place.js';

// A workload as an author writes it: keys on their own lines, a list of objects, a key with a dot.
const WORKLOAD = [
  '{',
  '  "name": "w",',
  '  "headline": [',
  '    {"label": "a", "counter": "dma.completed"},',
  '    "loose",',
  '    [1, [2, 3]]',
  '  ],',
  '  "variants": [{"name": "v", "set": {"gpu.dmaBytes": 512}}],',
  '  "params": {',
  '    "tenants": [',
  '      {"name": "vm1", "lpid": 1},',
  '      {',
  '        "name": "vm2",',
  '        "lpid": "2"',
  '      }',
  '    ],',
  '    "gpu": {}',
  '  }',
  '}',
].join('\n');

describe('jsonPlace', () => {
  it("a key is placed at its opening quote, a list's item at its first character, 1-based", () => {
    expect(jsonPlace(WORKLOAD, ['name'])).toEqual({ line: 2, column: 3 });
    expect(jsonPlace(WORKLOAD, ['params', 'tenants', 1, 'lpid'])).toEqual({ line: 14, column: 9 });
    expect(jsonPlace(WORKLOAD, ['params', 'tenants', 1])).toEqual({ line: 12, column: 7 });
    expect(jsonPlace(WORKLOAD, ['params', 'tenants', 0, 'lpid'])).toEqual({ line: 11, column: 23 });
    expect(jsonPlace(WORKLOAD, ['headline', 0])).toEqual({ line: 4, column: 5 });
    expect(jsonPlace(WORKLOAD, ['headline', 1])).toEqual({ line: 5, column: 5 });
    expect(jsonPlace(WORKLOAD, ['headline', 2, 1, 0])).toEqual({ line: 6, column: 10 });
    expect(jsonPlace(WORKLOAD, ['variants', 0, 'set', 'gpu.dmaBytes'])).toEqual({ line: 8, column: 38 });
  });

  it('a path the text does not hold, and the whole text, have no place', () => {
    expect(jsonPlace(WORKLOAD, [])).toBeUndefined();
    expect(jsonPlace(WORKLOAD, ['params', 'tenants', 2])).toBeUndefined();
    expect(jsonPlace(WORKLOAD, ['params', 'gpu', 'dmaBytes'])).toBeUndefined();
    expect(jsonPlace(WORKLOAD, ['params', 'tenants', 'name'])).toBeUndefined();
    expect(jsonPlace(WORKLOAD, ['name', 0])).toBeUndefined();
    expect(jsonPlace('[]', [0])).toBeUndefined();
    // Text that is not JSON is walked as far as it is JSON.
    expect(jsonPlace('{"a": 1, "b": tru', ['a'])).toEqual({ line: 1, column: 2 });
    expect(jsonPlace('{"a": 1, "b": tru', ['c'])).toBeUndefined();
  });

  it('lines end at LF, CRLF or a lone CR; columns count code points; a byte order mark is skipped', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      expect(jsonPlace(['{', '  "a": 1,', '  "b": [0, 1]', '}'].join(eol), ['b', 1])).toEqual({
        line: 3,
        column: 12,
      });
    }
    // An emoji is two UTF-16 units and one character, as an editor shows it.
    expect(jsonPlace('{"😀": 1, "b": 2}', ['b'])).toEqual({ line: 1, column: 10 });
    expect(jsonPlace('\uFEFF{"a": 1}', ['a'])).toEqual({ line: 1, column: 2 });
    // The key an escape spells is the key.
    expect(jsonPlace('{"\\u0061": 1}', ['a'])).toEqual({ line: 1, column: 2 });
  });
});

describe('jsonFieldPlace', () => {
  it("finds the field as a refusal writes it, a key with a dot (a variant's set) whole", () => {
    expect(jsonFieldPlace(WORKLOAD, 'params.tenants[1].lpid')).toEqual({ line: 14, column: 9 });
    expect(jsonFieldPlace(WORKLOAD, 'headline[2][1][0]')).toEqual({ line: 6, column: 10 });
    expect(jsonFieldPlace(WORKLOAD, 'variants[0].set.gpu.dmaBytes')).toEqual({ line: 8, column: 38 });
    expect(jsonFieldPlace(WORKLOAD, 'params.gpu.dmaBytes')).toBeUndefined();
    expect(jsonFieldPlace(WORKLOAD, '')).toBeUndefined();
    // A key with a control character is written escaped (shownText), and found so.
    expect(jsonFieldPlace('{"a": {"k\\u001bz": 1}}', 'a.k\\u001bz')).toEqual({ line: 1, column: 8 });
  });

  it('a field two places read alike has no place (`a.b` beside `a` holding `b`)', () => {
    expect(jsonFieldPlace('{"a.b": 1, "a": {"b": 2}}', 'a.b')).toBeUndefined();
    expect(jsonFieldPlace('{"a.b": 1, "a": {"c": 2}}', 'a.b')).toEqual({ line: 1, column: 2 });
  });
});

describe('placedInJsonFile', () => {
  const text = '{\n  "name": "w",\n  "params": {\n    "gpu": {"dmaBytes": 0}\n  }\n}\n';

  it('places the first field and each other line at its key; one the file does not hold stays as it was', () => {
    const error = new ConfigError(
      'w.json: params.gpu.dmaBytes',
      'Expected an integer from 1 to 65536, got 0\n' +
        '  w.json: params.tenants: Expected a list, got nothing (the field is missing)\n' +
        '  w.json: name: Expected a name: of at most 64 characters\n' +
        '  and 2 more',
    );
    const placed = placedInJsonFile(error, 'w.json', text);
    expect(placed).toBeInstanceOf(ConfigError);
    expect(placed.field).toBe('w.json:4:13: params.gpu.dmaBytes');
    expect(placed.message).toBe(
      'w.json:4:13: params.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0\n' +
        '  w.json: params.tenants: Expected a list, got nothing (the field is missing)\n' +
        '  w.json:2:3: name: Expected a name: of at most 64 characters\n' +
        '  and 2 more',
    );
  });

  it('an error that names no field of the file (the file alone, an option, another file) is returned as it is', () => {
    for (const error of [
      new ConfigError('w.json', 'Expected a workload object, got a list'),
      new ConfigError('--set gpu.dmaBytes', 'Expected an integer from 1 to 65536, got 0'),
      new ConfigError('x.json: params.gpu.dmaBytes', 'Expected an integer from 1 to 65536, got 0'),
      new ConfigError('w.json: params.tenants', 'Expected a list, got nothing (the field is missing)'),
      new ConfigError('', 'Expected something'),
    ]) {
      expect(placedInJsonFile(error, 'w.json', text)).toBe(error);
    }
  });
});
