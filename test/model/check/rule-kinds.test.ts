import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { PageBases } from '../../../src/model/check/page-bases.js';
import { IsolationRules } from '../../../src/model/check/rules/isolation-rules.js';
import { NpuRules } from '../../../src/model/check/rules/npu-rules.js';
import { OrderRules } from '../../../src/model/check/rules/order-rules.js';
import type { RuleFamily } from '../../../src/model/check/rules/report.js';
import { TranslationRules } from '../../../src/model/check/rules/translation-rules.js';

/** Every event kind, as oracle-events.ts declares them (`readonly kind: '...'`). */
function eventKinds(): Set<string> {
  const text = readFileSync(new URL('../../../src/model/check/oracle-events.ts', import.meta.url), 'utf8');
  return new Set([...text.matchAll(/kind: '([a-z.-]+)'/g)].map((m) => m[1]!));
}

const FAMILIES: [file: string, family: RuleFamily][] = [
  ['isolation-rules.ts', new IsolationRules(new PageBases())],
  ['translation-rules.ts', new TranslationRules(new PageBases())],
  ['order-rules.ts', new OrderRules({ gpuNpus: new Map(), requiredFlushes: 2 })],
  ['npu-rules.ts', new NpuRules()],
];

describe('rule families', () => {
  test.each(FAMILIES)(
    '%s: its handler table names only event kinds oracle-events.ts declares',
    (_file, family) => {
      const kinds = eventKinds();
      const handled = Object.keys(family.on);
      expect(handled.length).toBeGreaterThan(0);
      expect(handled.filter((k) => !kinds.has(k))).toEqual([]);
    },
  );
});
