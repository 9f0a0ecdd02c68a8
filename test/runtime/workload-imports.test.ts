/**
 * Which of an error's stack frames is the user's (runtime/workload-imports.ts): the innermost in
 * the workload file or a module of theirs it imports, never one in a package, in Node or in npusim's
 * own code, nor one past npusim's workload reader (its caller's); and a .ts file tsx compiled to
 * CommonJS, whose frames name a `data:` URL, known for the file it is.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  compiledFrame,
  noteWorkloadModule,
  userFileName,
  userFrame,
  workloadModuleOf,
} from '../../src/runtime/workload-imports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const own = (rel: string): string => join(ROOT, rel);

/** An Error whose stack is `frames`, innermost first. */
function thrown(frames: string[]): Error {
  const e = new Error('boom');
  e.stack = ['Error: boom', ...frames.map((f) => `    at ${f}`)].join('\n');
  return e;
}

/** A frame of the code tsx compiled `path` to, as Node names it (tsx 4.23, Node 20). */
function compiled(path: string, line: number, column: number): string {
  const code = `__filename=${JSON.stringify(path)};(()=>{\nthrow new Error("x")\n})()\n`;
  return `Timeout._onTimeout (data:text/javascript,${encodeURIComponent(code)}?filePath=${encodeURIComponent(`${path}?v=201-1796621023058&namespace=627f0aa9`)}:${line}:${column})`;
}

describe('the user frame of an error', () => {
  test('is the innermost in a file of the user, past packages, Node and npusim itself', () => {
    const e = thrown([
      `refusedExit (${own('src/runtime/workload-load-guard.ts')}:9:3)`,
      `f (${own('node_modules/zod/index.js')}:1:2)`,
      'node:internal/modules/cjs/loader:1521:14',
      `boom (${pathToFileURL('/u/w/lib/bad.mjs').href}:2:25)`,
      'async file:///u/w/w.mjs:3:1',
    ]);
    expect(userFrame(e)).toEqual({ path: '/u/w/lib/bad.mjs', at: '2:25' });
    expect(userFrame(thrown(['async file:///u/w/w.mjs:3:1']))).toEqual({ path: '/u/w/w.mjs', at: '3:1' });
    expect(userFrame(thrown([`x (${own('dist/src/cli/main.js')}:1:1)`, 'node:internal/timers:581:17']))).toBe(
      undefined,
    );
  });

  // A library program's own `await loadWorkloadFile(f)` was named as the place of an import Node
  // refused (`The requested module ... does not provide an export named`).
  test("stops at npusim's workload reader: the frames past it are its caller's", () => {
    for (const reader of ['src/runtime/workload-file.ts', 'dist/src/runtime/workload-file.js']) {
      const e = thrown([
        'async ModuleJob._link (node:internal/modules/esm/module_job:180:9)',
        `async importDefaultOnce (${own(reader)}:200:7)`,
        'async main (/u/prog.mjs:4:5)',
      ]);
      expect(userFrame(e)).toBe(undefined);
    }
  });

  test('names a module the workload imports relative to the workload file, as the user named it', () => {
    expect(userFileName('/u/w/lib/bad.ts', 'w.ts', '/u/w/w.ts')).toBe('lib/bad.ts');
    expect(userFileName('/u/w/lib/bad.ts', 'sub/w.ts', '/u/w/w.ts')).toBe('sub/lib/bad.ts');
    expect(userFileName('/u/w/lib/bad.ts', '/u/w/w.ts', '/u/w/w.ts')).toBe('/u/w/lib/bad.ts');
    expect(userFileName('/u/w/w.ts', './w.ts', '/u/w/w.ts')).toBe('./w.ts');
  });
});

describe('a .ts file tsx compiled to CommonJS', () => {
  // QA: its file's query (`?v=...&namespace=...`) was kept, so a timer that threw mid-run from such
  // a file was npusim's own failure (exit 4, `npusim: failed`).
  test('is known by its path without the query, and placed through the workload reader', () => {
    const frame = compiledFrame(compiled('/u/w/throw-timer.ts', 2, 7));
    expect(frame).toEqual({
      path: '/u/w/throw-timer.ts',
      code: '__filename="/u/w/throw-timer.ts";(()=>{\nthrow new Error("x")\n})()\n',
      line: 2,
      column: 7,
    });
    const e = thrown([compiled('/u/w/throw-timer.ts', 2, 7), 'listOnTimeout (node:internal/timers:581:17)']);
    noteWorkloadModule('throw-timer.ts', '/u/w/throw-timer.ts');
    expect(workloadModuleOf(e)).toEqual({ file: 'throw-timer.ts', at: 'throw-timer.ts' });
    noteWorkloadModule('throw-timer.ts', '/u/w/throw-timer.ts', (f) => `${f.line - 1}:${f.column + 19}`);
    expect(workloadModuleOf(e)).toEqual({ file: 'throw-timer.ts', at: 'throw-timer.ts:1:26' });
    // A module the workload imports, its timer's throw: the workload's error, at the module's place.
    expect(workloadModuleOf(thrown(['Timeout._onTimeout (/u/w/lib/late.ts:2:32)']))).toEqual({
      file: 'throw-timer.ts',
      at: 'lib/late.ts:2:32',
    });
    expect(workloadModuleOf(thrown([`x (${own('src/runtime/engine.ts')}:1:1)`]))).toBe(undefined);
  });
});
