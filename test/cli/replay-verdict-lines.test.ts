/**
 * What `npusim replay` says under its verdict (QA65): the replayed finding's message, not the
 * file's (both, labelled, when they differ); the liveness failure a run ended in when its first
 * finding is a violation (atsd-deadlock), with its deadlock cycle; and, last on stderr, the status
 * line a run ends with, or for exit 5 what it means and what to do.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findingMessages, notReproducedLine } from '../../src/cli/replay-command.js';
import type { FailureFile, FirstFinding } from '../../src/repro/failure-file.js';
import { stuckShootdown } from '../../src/repro/history.js';
import { livenessFindingText } from '../../src/repro/liveness-text.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const finding = (message: string): FirstFinding => ({
  rule: 'order.atsd-released-early',
  tick: 5,
  actors: ['npu0.reg0'],
  addresses: [],
  message,
});

/** `npusim run ARGS --record FILE` (exit `code`) and the file read back. */
async function recorded(args: string[], code: number): Promise<{ path: string; file: FailureFile }> {
  const path = join(testTempDir('npusim-replay-lines-'), 'r.json');
  const r = await cli(['run', ...args, '--no-failure-file', '--record', path]);
  expect(r.code, r.stderr).toBe(code);
  return { path, file: JSON.parse(readFileSync(path, 'utf8')) as FailureFile };
}

const FLUSH_RACE = ['flush-race', '--bug', 'single-flush', '--seed', '1', '--duration', '30us', '--inline'];

describe('replay: the finding message under the verdict', () => {
  test("the replay's message alone when it is the file's; both, labelled, when not; the file's labelled when the replay found nothing", () => {
    expect(findingMessages(finding('same'), finding('same'))).toEqual(['  same']);
    expect(findingMessages(finding('edited'), finding('real'))).toEqual([
      '  recorded finding: edited',
      '  replayed finding: real',
    ]);
    expect(findingMessages(finding('recorded'), undefined)).toEqual(['  recorded finding: recorded']);
    expect(findingMessages(null, finding('new'))).toEqual(['  replayed finding: new']);
    expect(findingMessages(null, undefined)).toEqual([]);
  });

  test("a message past 100 columns goes on under itself, not at the verdict lines' column (atsd-hang: `after 102.3 us; shootdown 1: ...` read as a line of its own)", () => {
    const long =
      'Expected shootdown 1 (lpid 0 pid 1, 1 page at 0x700000190000) to complete within 100 us of its request, got none after 102.3 us; shootdown 1: holds [npu0.reg0], waits for STAT on npu0.reg0';
    const lines = findingMessages(finding(long), finding(long));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    expect(lines[0]).toMatch(/^ {2}Expected shootdown 1 /);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {4}\S/);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(long);
  });

  test('atsd-hang: the recorded line breaks between its fields, so `seed 2` stays whole, and every verdict line fits 100 columns', async () => {
    const { path } = await recorded(
      ['atsd-hang', '--bug', 'atsd-no-valid-bdf', '--seed', '2', '--duration', '150us', '--inline'],
      3,
    );
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(3);
    const lines = r.stdout.split('\n');
    const verdict = lines.slice(
      1,
      lines.findIndex((l) => l.startsWith('history')),
    );
    expect(verdict.filter((l) => l.length > 100)).toEqual([]);
    const at = lines.findIndex((l) => l.startsWith('  recorded: '));
    // It broke between `atsd-hang seed` and `1` before (QA Q53). Seed 2: seed 1's line (`at 110 us`)
    // now fits 100 columns, and breaks nowhere.
    expect(lines[at]).toMatch(/, digest [0-9a-f]{16},$/);
    expect(lines[at + 1]).toBe('            atsd-hang seed 2');
    expect(r.stderr.split('\n').filter((l) => l.length > 100)).toEqual([]);
  });

  test("a reproduced replay ends with the run's status line; an edited message is shown beside the replayed one", async () => {
    const { path, file } = await recorded(FLUSH_RACE, 1);
    const message = file.first!.message;
    writeFileSync(path, JSON.stringify({ ...file, first: { ...file.first, message: 'edited' } }));
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(1);
    // Between the verdict and the messages, what the run was declared to find (replay-record-lines.test.ts).
    expect(r.stdout).toMatch(
      / {2}reproduced exactly\n {2}expected \(variant single-flush[\s\S]*?: as expected\n/,
    );
    expect(r.stdout).toContain(`: as expected\n  recorded finding: edited\n  replayed finding: ${message}\n`);
    expect(r.stderr).toMatch(/(^|\n)npusim: violation \(exit 1\): \d+ violations?, 0 liveness failures\n$/);
  });

  test("a clean replay of an edited file (no bug switch) does not show the file's message as its own, and exit 5 says it was edited", async () => {
    const { path, file } = await recorded(FLUSH_RACE, 1);
    writeFileSync(path, JSON.stringify({ ...file, options: { ...file.options, bugs: [] } }));
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toContain('  replayed: clean');
    expect(r.stdout).toContain(`\n  recorded finding: ${file.first!.message}\n`);
    expect(r.stdout).not.toContain(`\n  ${file.first!.message}\n`);
    expect(unwrapped(r.stderr, 8)).toMatch(
      /(^|\n)npusim: not reproduced \(exit 5\): the file was edited \(configDigest differs\): .* not a sign of an npusim bug\n$/,
    );
  });
});

describe('replay: a liveness failure whose first finding is a violation', () => {
  test('atsd-deadlock: the replay names the liveness failure and its deadlock cycle on a line of its own, and ends with the liveness status line', async () => {
    const { path, file } = await recorded(
      ['atsd-deadlock', '--bug', 'release-between-flushes', '--seed', '1', '--duration', '600us', '--inline'],
      3,
    );
    expect(file.first!.rule).toBe('order.atsd-released-early');
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(3);
    // Wrapped to 100 columns, before an arrow of its cycle where it can: read back as one line.
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  liveness failure (exit 3): '));
    let end = at + 1;
    while (lines[end]!.startsWith('    ')) end++;
    expect(lines.slice(at, end).filter((l) => l.length > 100)).toEqual([]);
    const line = [lines[at]!, ...lines.slice(at + 1, end).map((l) => l.trim())].join(' ');
    expect(line).toMatch(
      /^ {2}liveness failure \(exit 3\): liveness\.shootdown at 600 us \(tick \d+\): Expected shootdown/,
    );
    expect(line).toMatch(/deadlock cycle: shootdown \d+ holds npu\d\.reg0, waits for npu\d -> /);
    // After the verdict, the violation's message and the oracle's record of it, before the history.
    const record = lines.indexOf(
      "  the oracle's whole record of it (`npusim run` shows its last lines; here in hex):",
    );
    expect(record).toBeGreaterThan(lines.indexOf('  reproduced exactly'));
    expect(at).toBe(lines.findIndex((l, i) => i > record && !l.startsWith('    | ')));
    // The registers at the end follow it, as the run's summary prints them (QA: only a first
    // finding that was a liveness failure printed them), then the history.
    expect(lines[end]).toMatch(/^ {2}ATSD registers at the end \(/);
    expect(lines[end + 1]).toMatch(/^ {4}chip0: reg0 locked by shootdown \d+/);
    expect(lines.findIndex((l, i) => i > end && !l.startsWith('    '))).toBe(
      lines.findIndex((l) => l.startsWith('history ')),
    );
    expect(r.stderr).toMatch(/(^|\n)npusim: liveness \(exit 3\): \d+ violations?, \d+ liveness failures?\n$/);
  });
});

test("the liveness line is one text, replay's and shrink's (the shrink's with what it kept and where it was before)", () => {
  const live = { rule: 'liveness.shootdown', tick: 600_000_000, message: 'm; deadlock cycle: c' };
  expect(livenessFindingText(live)).toBe(
    'liveness failure (exit 3): liveness.shootdown at 600 us (tick 600000000): m; deadlock cycle: c',
  );
  expect(livenessFindingText({ ...live, tick: 520_000_000 }, 'what the shrink kept', live)).toBe(
    'liveness failure (exit 3, what the shrink kept): liveness.shootdown at 520 us (tick 520000000; before: 600 us, tick 600000000): m; deadlock cycle: c',
  );
});

describe('replay: the history of a shootdown that did not complete', () => {
  test('stuckShootdown reads the shootdown, the registers it holds and the earliest tick it can have started', () => {
    const found = {
      rule: 'liveness.shootdown',
      tick: 103_180_315,
      message:
        'Expected shootdown 1 (lpid 0 pid 1, 1 page at 0x700000190000) to complete within 100 us of its request, got none after 102.8 us; shootdown 1: holds [npu0.reg0], waits for STAT on npu0.reg0',
    };
    expect(stuckShootdown(found)).toEqual({
      id: 1,
      holds: [{ npu: 0, reg: 0 }],
      after: 102_800_000,
      from: 103_180_315 - 102_800_000 - 102_800,
    });
    expect(stuckShootdown({ ...found, rule: 'order.atsd-released-early' })).toBeUndefined();
  });

  test("atsd-hang: the replay shows shootdown 1's acquire and LAUNCH, not only the coordinator's last events", async () => {
    const { path } = await recorded(
      [
        'atsd-hang',
        '--bug',
        'atsd-no-valid-bdf',
        '--seed',
        '1',
        '--duration',
        '103180315',
        '--stop-on-first',
        '--inline',
      ],
      3,
    );
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(3);
    // The diagnosis a slow shootdown lacks: its register is hung, on a GPU whose links never
    // trained, as the run's summary says it (QA: the replay did not).
    expect(unwrapped(r.stdout, 11)).toMatch(
      /\n {2}ATSD registers at the end \(.*\):\n {4}chip0: reg0 locked by shootdown 1 HUNG \(its ATSD went to gpu \d, whose NVLinks never trained: no ack comes\);/,
    );
    const lines = r.stdout.split('\n');
    const head = lines.indexOf(
      'history of shootdown 1, the one that did not complete (its events from its start, in causal order):',
    );
    expect(head).toBeGreaterThan(0);
    const own = lines.slice(
      head + 1,
      lines.findIndex((l, i) => i > head && l.startsWith('history (')),
    );
    expect(own.some((l) => /ATSD_ANSWER shootdown=1 op="acquire" reg=0$/.test(l))).toBe(true);
    expect(own.some((l) => /ATSD_OP op="launch" shootdown=1 reg=0 /.test(l))).toBe(true);
    expect(own.every((l) => /shootdown=1|npu=0 reg=0/.test(l))).toBe(true);
  });
});

describe("replay: exit 5's last line says which cause to suspect (QA: it blamed npusim whatever wrote the file)", () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const ours = { version: '0.10.0', commit: A };

  test('another commit or version: a change to the model between them, and replaying with that npusim', () => {
    for (const wrote of [
      { version: '0.10.0', commit: B },
      { version: '0.9.0', commit: A },
      { version: '0.10.0', commit: `${B}-dirty` },
    ]) {
      const line = notReproducedLine(wrote, ours);
      expect(line).toMatch(
        /^npusim: not reproduced \(exit 5\): another npusim wrote the file \(the file names /,
      );
      expect(line).toContain('a change to the model between them is the likeliest cause');
      expect(line).not.toContain('npusim bug');
    }
    expect(notReproducedLine({ version: '0.10.0', commit: B }, ours)).toContain(
      '(the file names 0.10.0, commit bbbbbbbb; this is 0.10.0, commit aaaaaaaa)',
    );
  });

  test('a build from uncommitted changes on either side: those changes, not npusim', () => {
    const dirty = `${A}-dirty`;
    for (const [wrote, us] of [
      [{ version: '0.10.0', commit: dirty }, ours],
      [
        { version: '0.10.0', commit: A },
        { version: '0.10.0', commit: dirty },
      ],
    ] as const) {
      const line = notReproducedLine(wrote, us);
      expect(line).toContain('commit aaaaaaaa with uncommitted changes');
      expect(line).toContain('so those changes are the likeliest cause, unless the file was edited by hand');
      expect(line).not.toContain('npusim bug');
    }
  });

  test('the same clean commit: a hand edit, else an npusim bug; an unknown commit keeps both open', () => {
    expect(notReproducedLine({ version: '0.10.0', commit: A }, ours)).toBe(
      'npusim: not reproduced (exit 5): this npusim wrote the file (0.10.0, commit aaaaaaaa): if its recorded outcome (digest, finding, figures or exit class) was not edited by hand, this is an npusim bug: please report it with the file',
    );
    expect(notReproducedLine({ version: '0.10.0', commit: null }, ours)).toContain(
      'if the file was not edited and this npusim is the one that wrote it (the file names 0.10.0, commit unknown; this is 0.10.0, commit aaaaaaaa)',
    );
  });

  test("a file's commit with control characters is escaped", () => {
    expect(notReproducedLine({ version: '0.10.0', commit: '\u001b[2Jab' }, ours)).not.toContain('\u001b');
  });
});

describe("replay: the history reaches back to the events on the finding's page", () => {
  test.each([
    ['64K', '1', []],
    // A 2M page's translation and free carry its base, another 64 KiB than the stale DMA's
    // address: the finding names the base too (QA: the history had neither). Seed 3: seed 1's
    // first stale translation is now of a 64K page (0x2400000), not of one of the 2M pages, and
    // seed 2's page was freed among the last events, not before them.
    ['2M', '3', ['--set', 'tenants[2].pageSizes=["2M"]']],
  ])(
    "a stale ATS translation of a %s page: the ATS response that made it and the page's frees come before the last events, however long before (QA: other GPUs' DMAs only)",
    async (size, seed, set) => {
      const { path, file } = await recorded(
        [
          'guest-atsd',
          '--bug',
          'host-atsd-ignores-lparid',
          '--seed',
          seed,
          '--stop-on-first',
          '--inline',
          ...set,
        ],
        1,
      );
      expect(file.first!.rule).toBe('translation.stale-ats');
      const [at, base] = file.first!.addresses;
      expect(base === undefined).toBe(size === '64K');
      const page = `0x${(base ?? Math.floor(at! / 0x10000) * 0x10000).toString(16)}`;
      const r = await cli(['replay', path]);
      expect(r.code, r.stderr).toBe(1);
      expect(unwrapped(r.stdout, 2)).toMatch(
        /history \(the last events of [^)]*, after earlier ones on the finding's page, in causal order\):/,
      );
      const lines = r.stdout.split('\n');
      const response = lines.findIndex((l) => / ATS_RESPONSE .* pa=(\S+) epoch=0$/.exec(l)?.[1] === page);
      const free = lines.findIndex((l) => l.includes(` PAGE_FREE pa=${page} epoch=1`));
      const dots = lines.indexOf('  ...');
      expect(response).toBeGreaterThan(0);
      expect(free).toBeGreaterThan(response);
      expect(dots).toBeGreaterThan(free);
      // The translation was made long before the last events: microseconds, not nanoseconds.
      const tickOf = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ');
      expect(tickOf(lines[response]!)).not.toBe(tickOf(lines[dots + 1]!));
    },
  );
});

describe("replay: the oracle's record of the finding, as run prints it", () => {
  test("a context's references (alloc, put, get) under the finding, and a history of the threads that took them (QA: message traffic only)", async () => {
    const { path, file } = await recorded(
      [
        'context-churn',
        '--bug',
        'context-init-destroy-race',
        // Seed 6: seed 1's history now reaches back past a gap (`...`) to the context's last put.
        '--seed',
        '6',
        '--duration',
        '30us',
        '--inline',
      ],
      1,
    );
    expect(file.first!.rule).toBe('order.context-use-after-free');
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf(
      "  the oracle's whole record of it (`npusim run` shows its last lines; here in hex):",
    );
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toBe(`  actors ${file.first!.actors.join(', ')}`);
    const record = lines.slice(at + 1).filter((l) => l.startsWith('    | '));
    expect(record.length).toBeGreaterThan(1);
    expect(record.every((l) => / context\.ref \{/.test(l))).toBe(true);
    expect(record.map((l) => JSON.parse(l.slice(l.indexOf('{'))).op)).toContain('get');
    const history = lines
      .slice(lines.findIndex((l) => l.startsWith('history ')) + 1)
      .filter((l) => l.trim() !== '');
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((l) => / CONTEXT_TIMER /.test(`${l} `))).toBe(true);
  });
});

describe("replay: the oracle's record is taken at the finding, not at the run's end", () => {
  test("a stale ATS translation early in a long run: its record still holds the other actors' evidence, the page's free and the GPUs' ATS cache events (QA: forgotten by the run's end)", async () => {
    // Seed 12 (found at 79.5 us): seed 1's first stale translation is now at 136.7 us, of a page
    // no other GPU's ATS cache held, so its record has no GPU's ATS cache events to keep.
    const { path, file } = await recorded(
      ['guest-atsd', '--bug', 'host-atsd-ignores-lparid', '--seed', '12', '--duration', '300us', '--inline'],
      1,
    );
    expect(file.first!.rule).toBe('translation.stale-ats');
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(1);
    const record = r.stdout.split('\n').filter((l) => l.startsWith('    | '));
    expect(record.some((l) => / page\.free \{.*\} \(coordinator\)$/.test(l))).toBe(true);
    expect(record.some((l) => / ats\.(invalidate|flush|refill\.\w+) \{.*\} \(gpu\d\)$/.test(l))).toBe(true);
    expect(record.at(-1)).toMatch(new RegExp(`^ {4}\\| ${file.first!.tick} dma\\.land `));
  });
});
