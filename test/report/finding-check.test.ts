/**
 * A result's findings checked item by item wherever a result is read (finding-check.ts): QA:
 * `npusim compare` and parseRunResult took `violations: ["str"]` as a clean run, identical to one
 * that found nothing, while formatSummary refused it.
 */
import { describe, expect, it } from 'vitest';
import { compareResults, formatSummary } from '../../src/index.js';
import { checkRunResult, parseRunResult } from '../../src/report/parse-run-result.js';
import type { RunResult } from '../../src/report/run-result.js';
import { countsResult } from '../support/counts-result.js';

const clean = countsResult({ 'dma.completed': 10 });
const finding = { rule: 'r.x', message: 'm', tick: 5, actors: ['gpu0'], addresses: [4096], history: ['h'] };
const withList = (f: 'violations' | 'liveness', items: unknown[]) =>
  ({ ...clean, [f]: items }) as unknown as RunResult;

describe("a run result's findings, each checked as formatSummary checks it", () => {
  it.each([
    ['violations', ['str'], 'violations[0]: Expected an object, got the string "str"'],
    ['violations', [42], 'violations[0]: Expected an object, got 42'],
    ['violations', [null], 'violations[0]: Expected an object, got null'],
    ['violations', [{}], 'violations[0].rule: Expected a string, got nothing (the field is missing)'],
    ['liveness', [{ x: 1 }], 'liveness[0].rule: Expected a string, got nothing (the field is missing)'],
    ['liveness', [finding, { ...finding, actors: [1] }], 'liveness[1].actors[0]: Expected a string, got 1'],
  ] as const)('%s %j is refused naming the file and the field', (f, items, said) => {
    const bad = withList(f, [...items]);
    expect(() => parseRunResult(JSON.stringify(bad), 'bad.json')).toThrow(`bad.json: ${said}`);
    // compareResults and compareSets check a caller's result with checkRunResult.
    expect(() => checkRunResult(bad, 'b')).toThrow(`b: ${said}`);
    expect(() => compareResults('a', clean, 'b', bad)).toThrow(`b: ${said}`);
    // formatSummary says the same, its field as before (`result.violations[0]`).
    expect(() => formatSummary(bad)).toThrow(`result.${said}`);
  });

  it('well-formed findings pass, and are compared', () => {
    const found = { ...withList('violations', [finding]), status: 'violation' } as RunResult;
    expect(parseRunResult(JSON.stringify(found), 'ok.json').violations).toEqual([finding]);
    expect(compareResults('a', clean, 'b', found).identical).toBe(false);
  });

  it.each([
    [
      'clean',
      [finding],
      [],
      'Expected `violation`, the status of a run that ended with 1 violation and no liveness failure, got `clean`',
    ],
    [
      'violation',
      [],
      [],
      'Expected `clean`, the status of a run that ended with no violation and no liveness failure, got `violation`',
    ],
    [
      'violation',
      [finding, finding],
      [finding],
      'Expected `liveness`, the status of a run that ended with 2 violations and 1 liveness failure, got `violation`',
    ],
    [
      'liveness',
      [finding],
      [],
      'Expected `violation`, the status of a run that ended with 1 violation and no liveness failure, got `liveness`',
    ],
  ] as const)(
    'a status of %s beside the findings %j, %j is refused by the rule it was set by',
    (status, violations, liveness, said) => {
      const bad = { ...clean, status, exitCode: undefined, violations, liveness } as unknown as RunResult;
      expect(() => parseRunResult(JSON.stringify(bad), 'bad.json')).toThrow(`bad.json: status: ${said}`);
      expect(() => compareResults('a', clean, 'b', bad)).toThrow(`b: status: ${said}`);
      expect(() => formatSummary(bad)).toThrow(`status: ${said}`);
    },
  );

  it('an interrupted run may have found anything, and is read', () => {
    const stopped = { ...clean, status: 'interrupted', violations: [finding] } as unknown as RunResult;
    expect(parseRunResult(JSON.stringify(stopped), 'ok.json').status).toBe('interrupted');
  });
});
