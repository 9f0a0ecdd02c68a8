/**
 * What a workload's variants share with its own run, for the headers over them (the summary's
 * answer table and its engine rows, the HTML report's engine table): the seed and the options,
 * each variant with its own `set`. A variant that names a profile (workload.ts) runs on it, not
 * on the run's (QA: `variants (same seed and options):` over guest-atsd's as-shipped, run on
 * Linux v5.12 beside a run on `fixed`), so the header names those variants and their profile.
 */
import { wordList } from '../core/word-list.js';
import { DEFAULT_PROFILE } from '../model/scenario/profiles.js';
import type { RunResult } from './run-result.js';

/** `same seed and options`, or `same seed and options, but as-shipped on profile as-shipped`. */
export function variantsAlikeText(result: Pick<RunResult, 'config' | 'variants'>): string {
  const runProfile = result.config.profile ?? DEFAULT_PROFILE;
  // Variants on another profile, grouped by it, in the variants' order.
  const byProfile = new Map<string, string[]>();
  for (const v of result.variants ?? []) {
    if (v.profile === undefined || v.profile === runProfile) continue;
    byProfile.set(v.profile, [...(byProfile.get(v.profile) ?? []), v.name]);
  }
  if (byProfile.size === 0) return 'same seed and options';
  const others = [...byProfile].map(([profile, names]) => `${wordList(names)} on profile ${profile}`);
  return `same seed and options, but ${others.join('; ')}`;
}
