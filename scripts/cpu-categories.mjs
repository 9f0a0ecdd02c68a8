// What kind of work a CPU sample of a Node process was doing, from its stack as `perf script`
// prints it (leaf first, each frame `address symbol (dso)`): the categories scripts/cpu-by-host.mjs
// sums. Its own file so that test/scripts/cpu-categories.test.ts can hold it to known frames.
//
// Why these categories. The engine's hosts do the same simulation (the same events, digest and
// model code); what differs between one thread and nine is the work around it: the kernel
// parking and waking threads, nine V8 isolates each compiling the hot code with their optimising
// compiler, nine heaps collected, the rings' Atomics. Each category is one of those costs.

/** The categories, in the order they are printed. */
export const CATEGORIES = [
  'javascript',
  'v8 builtins',
  'optimising compiler',
  'garbage collector',
  'thread waits and wakes (user side)',
  'kernel: futex waits and wakes',
  'kernel: other',
  'other native',
];

const COMPILER = /v8::internal::(compiler|maglev|turboshaft|wasm)::|Turbofan|Maglev|OptimizedCompilationJob/;
const GC =
  /v8::internal::(Scavenger|Scavenge|Heap\b|Heap::|MarkCompact|MinorMarkCompact|MinorMarkSweep|ConcurrentMarking|Marking|MarkingVisitor|Sweeper|Evacuat|MemoryAllocator|BasicMemoryChunk|MemoryChunk|PagedSpace|NewSpace|SemiSpace|LargeObjectSpace|IncrementalMarking|GCTracer|ArrayBufferSweeper)|Scaveng/;
const USER_WAIT =
  /futex|FutexEmulation|pthread_cond|pthread_mutex|__lll_lock|lll_lock|uv_cond|uv_mutex|sched_yield/;

/**
 * The category of one sample. `frames`: its frames leaf first, each `symbol (dso)` or
 * `address symbol (dso)` as `perf script -F ip,sym,dso` prints them.
 */
export function categoryOf(frames) {
  const leaf = frames[0] ?? '';
  if (isKernel(leaf)) {
    return frames.some((f) => isKernel(f) && /futex/i.test(f))
      ? 'kernel: futex waits and wakes'
      : 'kernel: other';
  }
  if (/\(\[JIT\]|\(\/tmp\/perf-\d+\.map\)|jitted-\d+-\d+\.so|\bJS:/.test(leaf)) return 'javascript';
  if (/\bBuiltins?_/.test(leaf)) return 'v8 builtins';
  if (COMPILER.test(leaf)) return 'optimising compiler';
  if (GC.test(leaf)) return 'garbage collector';
  if (USER_WAIT.test(leaf)) return 'thread waits and wakes (user side)';
  return 'other native';
}

function isKernel(frame) {
  return /\(\[kernel\.kallsyms\]\)|\[k\]/.test(frame);
}

/** Split `perf script` output into samples, each its frames leaf first (the header line dropped). */
export function samplesOf(script) {
  const out = [];
  for (const block of script.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    // With call stacks, the first line is the sample's header (tid) and the frames follow; without,
    // the one line holds the header and the leaf.
    const frames = lines.length === 1 ? [lines[0].trim()] : lines.slice(1).map((l) => l.trim());
    out.push(frames);
  }
  return out;
}
