/**
 * UT=1 DMA translation, by concept: the OPAL kill interface (opal-tce.ts), a PHB with its TVEs and
 * firmware kill (phb.ts), the kernel side for a topology (tce-system.ts) and its options
 * (tce-system-options.ts), tables (tce-table.ts) and caches (tce-cache.ts). This module re-exports
 * the first four for existing importers.
 */
export * from './opal-tce.js';
export * from './phb.js';
export * from './tce-system.js';
export * from './tce-system-options.js';
