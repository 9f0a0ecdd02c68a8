/**
 * The base of the page of `size` bytes (a power of two) holding `addr`, for an address >= 0: the
 * value `alignDown` (types.ts) gives, without its remainder. An address above 2^31 is a heap
 * number, and V8 takes `%` of one in a call out of the compiled code; every DMA that lands asks
 * for its page base a few times (dma-landing.ts, the oracle's rules). The division by a power of
 * two, its floor and the product are exact for any address below 2^53, so the two agree on every
 * address the model makes (addresses are never negative).
 */
export function pageFloor(addr: number, size: number): number {
  return Math.floor(addr / size) * size;
}
