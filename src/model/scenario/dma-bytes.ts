/**
 * How large one DMA request may be: no larger than the smallest page a DMA reaches (64K: a TCE
 * page, a process's smallest page), since the chip translates a request once and lands it in one
 * page (actors/gpu/dma-engines.ts offsetSteps). Apart from the workload schema so that the world
 * builder, which every worker thread loads, can refuse a config built around the schema without
 * pulling zod into each worker (page-sizes.ts says why).
 */
import { PAGE_64K } from '../host/page-table.js';

/** The largest DMA request: the smallest page a DMA reaches. */
export const MAX_DMA_BYTES = PAGE_64K;

/**
 * What the world builder says of a `gpu.dmaBytes` the schema would refuse (a RunConfig built
 * around it, through the library), or undefined when it is a whole number from 1 to the largest.
 */
export function dmaBytesProblem(bytes: unknown): string | undefined {
  if (typeof bytes === 'number' && Number.isInteger(bytes) && bytes >= 1 && bytes <= MAX_DMA_BYTES)
    return undefined;
  if (typeof bytes === 'number' && Number.isInteger(bytes) && bytes > MAX_DMA_BYTES)
    return dmaBytesTooLarge(bytes);
  return `Expected a whole number of bytes from 1 to ${MAX_DMA_BYTES}, got ${typeof bytes === 'string' ? JSON.stringify(bytes) : String(bytes)}`;
}

/** What the schema and the world builder say of a larger one. */
export function dmaBytesTooLarge(got: unknown): string {
  return `Expected at most ${MAX_DMA_BYTES} bytes (a DMA request lies within one page, and 64K is the smallest page a DMA reaches), got ${String(got)}`;
}
