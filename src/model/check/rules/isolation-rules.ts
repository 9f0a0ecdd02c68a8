/**
 * Isolation (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks): no DMA, peer
 * access or MMIO reaches memory or registers of another tenant.
 * - isolation.dma: a DMA landing on a page vs the page's owner. Owners come from `page.owner`
 *   (allocation, a TCE pin) and end at `page.free` / `tce.unpin`: memory nobody owns is not judged.
 * - isolation.peer: the tenants of the source and destination GPU of a peer write or read (the
 *   hardware checks nothing: only the link-disable mask can stop it, and then nothing lands).
 * - isolation.mmio: an MMIO access the filter let through vs the owner of that GPU; a GPU no
 *   tenant took is the host's to program, and is not judged.
 * - isolation.firmware: an MMIO access that changed a GPU's firmware vs whether the admin lets
 *   the LPID that made it update firmware (`tenant.gpu` says so for every owned GPU's tenant; an
 *   LPID no GPU's tenant has is not allowed). Judged whoever owns the GPU: a guest that flashes
 *   even its own GPU can make it do what the other isolation answers assume it cannot (UT=0 DMA
 *   only to ATS-translated addresses; a disabled link latched until a secondary bus reset).
 */
import { hex } from '../../types.js';
import type { OracleEventOf } from '../oracle-events.js';
import { type PageBases, pageKey } from '../page-bases.js';
import { PageNumberMap } from '../page-number-map.js';
import type { Report, RuleFamily, RuleHandlers } from './report.js';

export class IsolationRules implements RuleFamily {
  private readonly gpuTenant = new Map<number, { name: string; lpid: number }>();
  /** LPID -> whether the admin lets that tenant update firmware, from `tenant.gpu`. */
  private readonly mayUpdateFirmware = new Map<number, boolean>();
  /** Page base / 64K (pageKey, page-bases.ts) -> LPID of its owner, while owned. */
  private readonly owners = new PageNumberMap();

  constructor(private readonly pages: PageBases) {}

  readonly on: RuleHandlers = {
    'tenant.gpu': (ev) => {
      if (ev.tenant !== undefined && ev.lpid !== undefined) {
        this.gpuTenant.set(ev.gpu, { name: ev.tenant, lpid: ev.lpid });
        this.mayUpdateFirmware.set(ev.lpid, ev.mayUpdateFirmware);
      } else this.gpuTenant.delete(ev.gpu);
    },
    'page.owner': (ev) => this.owners.set(pageKey(ev.pa), ev.lpid),
    // A free as made (the coordinator) or as heard (a chip, where DMA lands and this is judged).
    'page.free': (ev) => this.owners.delete(pageKey(ev.pa)),
    'page.free.seen': (ev) => this.owners.delete(pageKey(ev.pa)),
    'tce.unpin': (ev) => this.owners.delete(pageKey(ev.pa)),
    'dma.land': (ev, report) => this.onDma(ev, report),
    'peer.access': (ev, report) => this.onPeer(ev, report),
    'mmio.access': (ev, report) => {
      this.onMmio(ev, report);
      this.onFirmware(ev, report);
    },
  };

  private onDma(ev: OracleEventOf<'dma.land'>, report: Report): void {
    const base = this.pages.baseOf(ev.pa);
    const owner = this.owners.get(pageKey(base));
    if (owner !== undefined && owner !== ev.lpid) {
      report(
        'isolation.dma',
        [`gpu${ev.gpu}`],
        [ev.pa],
        () =>
          `Expected DMA only to memory of its own tenant, got gpu${ev.gpu} (LPID ${ev.lpid}) reaching page ${hex(base)} of LPID ${owner}`,
      );
    }
  }

  /**
   * A peer access crossed a link: it was enabled, whatever left it so (a policy that keeps links up
   * between tenants, a reset's relink not yet applied, a firmware update): the message says it, so
   * a `--policy per-gpu` finding does not read as a link-disable that failed.
   */
  private onPeer(ev: OracleEventOf<'peer.access'>, report: Report): void {
    const src = this.gpuTenant.get(ev.srcGpu);
    const dst = this.gpuTenant.get(ev.dstGpu);
    if (src?.lpid !== dst?.lpid) {
      report(
        'isolation.peer',
        [`gpu${ev.srcGpu}`, `gpu${ev.dstGpu}`],
        [ev.address],
        // A GPU no tenant holds (one a workload or a shrink leaves out) is the host's, and said so,
        // not as `(none)` of `two tenants` (QA).
        () =>
          `Expected peer accesses only between GPUs of one tenant, got gpu${ev.srcGpu} (${src?.name ?? "the host's: no tenant holds it"}) ${ev.write ? 'writing' : 'reading'} ${ev.lengthBytes} bytes ${ev.write ? 'into' : 'from'} gpu${ev.dstGpu} RAM (${dst?.name ?? "the host's: no tenant holds it"}) over NVLink (link ${ev.link} of gpu${ev.srcGpu}, enabled between ${src === undefined || dst === undefined ? "a tenant's GPU and the host's" : 'GPUs of two tenants'})`,
        // The receiver's reset steps (gpu.reset, a delayed relink's window) under their own key.
        [`gpu:${ev.srcGpu}`, `reset:${ev.dstGpu}`],
      );
    }
  }

  private onMmio(ev: OracleEventOf<'mmio.access'>, report: Report): void {
    const owner = this.gpuTenant.get(ev.gpu);
    if (ev.allowed && owner !== undefined && owner.lpid !== ev.lpid) {
      report(
        'isolation.mmio',
        [`gpu${ev.gpu}`, `lpid ${ev.lpid}`],
        [ev.offset],
        () =>
          `Expected BAR0 of gpu${ev.gpu} reached only by its owner (${owner.name}), got LPID ${ev.lpid} at offset ${hex(ev.offset)}`,
      );
    }
  }

  private onFirmware(ev: OracleEventOf<'mmio.access'>, report: Report): void {
    if (!ev.firmwareUpdated || this.mayUpdateFirmware.get(ev.lpid) === true) return;
    const owner = this.gpuTenant.get(ev.gpu);
    report(
      'isolation.firmware',
      [`gpu${ev.gpu}`, `lpid ${ev.lpid}`],
      [ev.offset],
      () =>
        `Expected GPU firmware updated only by the host or a tenant the admin allowed, got LPID ${ev.lpid} committing a firmware update to gpu${ev.gpu} (${owner?.name ?? 'no tenant'}) at offset ${hex(ev.offset)}`,
    );
  }
}
