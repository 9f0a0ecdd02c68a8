/**
 * Where a guest updated its GPU's firmware (`isolation.firmware`), the premises (a) and (b)
 * (`ut0-ats-only`, `link-disable-latched`: model/scenario/premises.ts) are void for those GPUs:
 * what the new firmware does the model does not follow, so their figures are the old firmware's
 * (QA: `tenant-isolation --profile as-shipped --set mmio.firmwarePercent=50` found 41 updates and
 * still listed (a) and (b) as if they held). One reading for the summary's line under `rests on:`
 * and for `--json`'s `premises[].voidOn`, so a script is told what the text says (QA: the JSON
 * listed both premises bare).
 */
import type { RunResult } from './run-result.js';

/** The premises a guest's firmware update voids on its GPUs. */
const VOIDED_BY_FIRMWARE: readonly string[] = ['ut0-ats-only', 'link-disable-latched'];

export interface FirmwareVoid {
  /** The names of the run's premises it voids, in the run's order. */
  premises: string[];
  /** The GPUs of the findings kept (`violations`), in number order. */
  gpus: string[];
  /** Every `isolation.firmware` finding of the run, kept or not. */
  findings: number;
  /** Whether every finding was kept, so `gpus` is every GPU updated. */
  allKept: boolean;
}

export function firmwareVoid(
  result: Pick<RunResult, 'rules' | 'premises' | 'violations'>,
): FirmwareVoid | undefined {
  const findings = result.rules?.['isolation.firmware']?.count ?? 0;
  if (findings === 0) return undefined;
  const premises = (result.premises ?? []).map((p) => p.name).filter((n) => VOIDED_BY_FIRMWARE.includes(n));
  if (premises.length === 0) return undefined;
  const kept = result.violations.filter((v) => v.rule === 'isolation.firmware');
  const gpus = [...new Set(kept.flatMap((v) => v.actors.filter((a) => /^gpu\d+$/.test(a))))].sort(
    (a, b) => Number(a.slice(3)) - Number(b.slice(3)),
  );
  return { premises, gpus, findings, allKept: kept.length >= findings };
}
