/**
 * The Node floor (src/cli/node-floor.ts): an older Node is refused by name before anything else
 * of the command runs (under 20.11 and 18 every command died with Node's own SyntaxError and
 * exit 1, npusim's code for a violation); the floor is package.json's `engines`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { NODE_FLOOR, olderThanFloor } from '../../src/cli/node-floor.js';

describe('the Node floor', () => {
  test('versions below it are refused, the floor and later are not', () => {
    for (const v of ['18.20.8', 'v18.20.8', '20.11.1', '20.0.0', '19.9.0'])
      expect(olderThanFloor(v), v).toBe(true);
    for (const v of ['20.12.0', 'v20.12.0', '20.20.2', '22.1.0', '24.0.0'])
      expect(olderThanFloor(v), v).toBe(false);
    expect(olderThanFloor(process.versions.node)).toBe(false);
  });

  test("it is package.json's engines", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      engines: { node: string };
    };
    const range = /^>=(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pkg.engines.node);
    expect(range, pkg.engines.node).not.toBeNull();
    expect(`${range![1]}.${range![2]}.${range![3] ?? 0}`).toBe(NODE_FLOOR);
  });
});
