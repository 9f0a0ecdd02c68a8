/**
 * scripts/cpu-by-host.mjs (each host's CPU time by what it was doing, under Linux perf): the
 * categories it sums, held to frames as `perf script` prints them, and its arguments, refused
 * before anything runs (exit 2, naming what was expected and what arrived). The profile itself
 * needs `perf` and a minute of runs; it is a tool, not run here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CATEGORIES, categoryOf, samplesOf } from '../../scripts/cpu-categories.mjs';
import { testTempDir } from '../support/temp-dir.js';

describe('cpu categories', () => {
  test.each([
    [['7f3a2c01d2e0 [unknown] ([JIT] tid 17957)'], 'javascript'],
    [['55d0c1a2b3c4 Builtins_LoadIC (/usr/bin/node)'], 'v8 builtins'],
    [['55d0c1a2b3c4 Builtins_AtomicsLoad (/usr/bin/node)'], 'v8 builtins'],
    [['55d0c1 v8::internal::compiler::GraphReducer::ReduceTop() (/usr/bin/node)'], 'optimising compiler'],
    [['55d0c1 v8::internal::maglev::MaglevGraphBuilder::Build() (/usr/bin/node)'], 'optimising compiler'],
    [['55d0c1 v8::internal::Scavenger::ScavengeObject<x>(y) (/usr/bin/node)'], 'garbage collector'],
    [['55d0c1 v8::internal::Heap::CollectGarbage(a, b) (/usr/bin/node)'], 'garbage collector'],
    [
      ['7efc28 __futex_abstimed_wait_common (/usr/lib/x86_64-linux-gnu/libc.so.6)'],
      'thread waits and wakes (user side)',
    ],
    [
      ['55d0c1 v8::internal::FutexEmulation::Wake(a, b) (/usr/bin/node)'],
      'thread waits and wakes (user side)',
    ],
    [['7efc28 __memmove_avx512_unaligned_erms (/usr/lib/x86_64-linux-gnu/libc.so.6)'], 'other native'],
    [
      ['55d0c1 v8::internal::Deserializer<v8::internal::Isolate>::ReadObject() (/usr/bin/node)'],
      'other native',
    ],
  ])('%j is %s', (frames, category) => {
    expect(categoryOf(frames)).toBe(category);
    expect(CATEGORIES).toContain(category);
  });

  test('kernel work is futex work when a kernel frame up the stack is the futex call', () => {
    const futex = [
      'ffffffff8223fc12 pvm_irq_enable ([kernel.kallsyms])',
      'ffffffff81234567 futex_wait ([kernel.kallsyms])',
      'ffffffff81234568 __x64_sys_futex ([kernel.kallsyms])',
      '7efc28 __futex_abstimed_wait_common (/usr/lib/x86_64-linux-gnu/libc.so.6)',
    ];
    expect(categoryOf(futex)).toBe('kernel: futex waits and wakes');
    // The same leaf under a page fault, and a libc frame naming futex that is not the kernel's.
    const fault = [
      'ffffffff8223fc12 pvm_irq_enable ([kernel.kallsyms])',
      'ffffffff81111111 handle_mm_fault ([kernel.kallsyms])',
      '7efc28 __futex_abstimed_wait_common (/usr/lib/x86_64-linux-gnu/libc.so.6)',
    ];
    expect(categoryOf(fault)).toBe('kernel: other');
  });

  test('perf script output splits into samples, leaf first, with or without call stacks', () => {
    const withStacks = [
      '17957 ',
      '\tffffffff8223fc12 mas_wr_store_entry ([kernel.kallsyms])',
      '\t           20ca3 mmap64 (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)',
      '',
      '17958 ',
      '\t    7efc28ae48a8 [unknown] ([JIT] tid 17958)',
      '',
    ].join('\n');
    const samples = samplesOf(withStacks);
    expect(samples).toHaveLength(2);
    expect(samples[0]![0]).toContain('mas_wr_store_entry');
    expect(samples[0]).toHaveLength(2);
    expect(categoryOf(samples[1]!)).toBe('javascript');
    const leafOnly = samplesOf(
      '17957  55d0c1 Builtins_LoadIC (/usr/bin/node)\n\n17957  7efc28 malloc (libc.so.6)\n',
    );
    expect(leafOnly.map((s) => categoryOf(s))).toEqual(['v8 builtins', 'other native']);
  });
});

describe('scripts/cpu-by-host.mjs arguments', () => {
  test.each([
    [['/nonexistent'], "expected DIST to be a build's dist/ directory", '`/nonexistent`'],
    [['test', '3ms'], "expected DIST to be a build's dist/ directory", '`test`'],
    [['FAKE', '3 ms'], 'expected a duration such as 3ms or 500us', '`3 ms`'],
    [['FAKE', 'later'], 'expected a duration such as 3ms or 500us', '`later`'],
    [['FAKE', '3ms', '0'], 'expected rounds to be an integer from 1 to 20', '`0`'],
    [['FAKE', '3ms', 'two'], 'expected rounds to be an integer from 1 to 20', '`two`'],
    [['FAKE', '3ms', '21'], 'expected rounds to be an integer from 1 to 20', '`21`'],
  ])('%j is refused before anything runs', (args, expected, got) => {
    // A stand-in for a build's dist/: the script only checks that src/cli/main.js is there.
    const fakeDist = testTempDir('npusim-cpu-by-host-');
    mkdirSync(join(fakeDist, 'src', 'cli'), { recursive: true });
    writeFileSync(join(fakeDist, 'src', 'cli', 'main.js'), 'throw new Error("not to be run");\n');
    const r = spawnSync(
      process.execPath,
      ['scripts/cpu-by-host.mjs', ...args.map((a) => (a === 'FAKE' ? fakeDist : a))],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain(got);
    expect(r.stderr).toContain('usage: node scripts/cpu-by-host.mjs');
  });
});
