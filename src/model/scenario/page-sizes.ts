/**
 * The page sizes a workload names, and their bytes. Kept apart from workload.ts (which re-exports
 * them) so that the world builder, which every worker thread loads, does not pull zod and the
 * workload schemas into each worker: only the main thread validates workloads.
 */
import { PAGE_1G, PAGE_2M, PAGE_64K, type PageSize } from '../host/page-table.js';

/** Page sizes a workload names, and their bytes (host/page-table.ts PAGE_64K, PAGE_2M, PAGE_1G). */
export const PAGE_SIZE_NAMES = Object.freeze(['64K', '2M', '1G'] as const);
export type PageSizeName = (typeof PAGE_SIZE_NAMES)[number];
export const PAGE_SIZE_BYTES: Readonly<Record<PageSizeName, PageSize>> = {
  '64K': PAGE_64K,
  '2M': PAGE_2M,
  '1G': PAGE_1G,
};
