/**
 * comlink's Node adapter, typed. comlink ships it as dist/esm/node-adapter.mjs without an exports
 * map or .d.mts, so NodeNext resolution cannot type the import; this wrapper gives it the one
 * signature we use and keeps worker_threads out of everything else (as comlink's own
 * node-adapter.ts keeps it out of comlink's core).
 */
import type { Endpoint } from 'comlink';
// @ts-expect-error: no declaration file for the .mjs path (see above).
import adapter from 'comlink/dist/esm/node-adapter.mjs';

interface NodeEndpointLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(type: string, listener: (value: unknown) => void): void;
  off(type: string, listener: (value: unknown) => void): void;
  start?: () => void;
}

export const nodeEndpoint = adapter as (nep: NodeEndpointLike) => Endpoint;
