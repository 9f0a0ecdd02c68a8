/**
 * How many pages a run maps at start, from its parameters and its machine, and the bound on them.
 *
 * Every page mapped at start (a process's pages, `pagesPerProcess`, and a GPU's TCE window,
 * `tcePagesPerGpu`) is state the world builder allocates and every actor that tracks it keeps
 * (page tables, TCE tables, the oracle's epochs): over a kilobyte per page inline, more threaded. Measured on this project's 2-CPU machine with
 * `--duration 1us`: 262140 pages took 6 s and 430 MB inline, 15 s and 1 GB threaded; 1.5 million
 * took 35 s and 1.5 GB inline; 6 million did not start within 3 minutes. The schema allows a
 * million pages per process (64 GiB of 64K pages, which a real process may have), so the sum over
 * the machine is bounded here, before the world is built, naming the parameter with the largest
 * share. The count follows the world builder (world.ts assignTenants, host/process.ts): each
 * tenant GPU runs `processesPerGpu` processes of `pagesPerProcess` pages and maps
 * `tcePagesPerGpu` TCE pages; group ids that do not exist are left for the world to refuse.
 */
import { countText } from '../../core/count-text.js';
import { ConfigError } from '../../core/errors.js';
import { computeGroups } from '../platform/iommu-groups.js';
import type { Topology } from '../platform/topology.js';
import type { WorkloadParams } from './workload-params.js';

/** Pages mapped at start, over every tenant, at most: a start of seconds and a few hundred MB. */
export const MAX_PAGES_AT_START = 1 << 18;

interface PageShare {
  tenant: number;
  field: 'pagesPerProcess' | 'tcePagesPerGpu';
  gpus: number;
  pages: number;
}

/** Each tenant's pages at start, by the parameter that sets them. */
export function pagesAtStart(params: WorkloadParams, topology: Topology): PageShare[] {
  const groups = computeGroups(topology, params.policy);
  const taken = new Set<number>();
  const shares: PageShare[] = [];
  params.tenants.forEach((t, tenant) => {
    const ids =
      t.groups === 'all'
        ? groups.map((g) => g.id)
        : t.groups === 'rest'
          ? groups.map((g) => g.id).filter((id) => !taken.has(id))
          : t.groups.filter((id) => id < groups.length);
    for (const id of ids) taken.add(id);
    const gpus = new Set(ids.flatMap((id) => groups[id]!.gpus)).size;
    shares.push({
      tenant,
      field: 'pagesPerProcess',
      gpus,
      pages: gpus * t.processesPerGpu * t.pagesPerProcess,
    });
    shares.push({ tenant, field: 'tcePagesPerGpu', gpus, pages: gpus * t.tcePagesPerGpu });
  });
  return shares;
}

/** Refuse a run that maps more than MAX_PAGES_AT_START pages at start, naming the largest share. */
export function checkPagesAtStart(params: WorkloadParams, topology: Topology): void {
  const shares = pagesAtStart(params, topology);
  const total = shares.reduce((sum, s) => sum + s.pages, 0);
  if (total <= MAX_PAGES_AT_START) return;
  const largest = shares.reduce((a, b) => (b.pages > a.pages ? b : a));
  const t = params.tenants[largest.tenant]!;
  const shareText = (s: PageShare): string => {
    const who = `\`${params.tenants[s.tenant]!.name}\``;
    return s.field === 'pagesPerProcess'
      ? `${countText(s.gpus, 'GPU')} of ${who} x ${countText(params.tenants[s.tenant]!.processesPerGpu, 'process', 'processes')} x ${params.tenants[s.tenant]!.pagesPerProcess} pages (${s.pages})`
      : `the TCE windows of ${countText(s.gpus, 'GPU')} of ${who} x ${params.tenants[s.tenant]!.tcePagesPerGpu} pages (${s.pages})`;
  };
  throw new ConfigError(
    `tenants[${largest.tenant}].${largest.field}`,
    `Expected at most ${MAX_PAGES_AT_START} pages mapped at start over the whole machine (each is state ` +
      `every actor that tracks it keeps: more takes minutes and gigabytes to build), got ${t[largest.field]} ` +
      `${largest.field === 'pagesPerProcess' ? 'pages per process' : 'TCE pages per GPU'}: ` +
      `${shares
        .filter((s) => s.pages > 0)
        .map(shareText)
        .join(', ')}: ${total} pages in all`,
  );
}
