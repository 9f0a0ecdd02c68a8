/**
 * Whether two paths name one file, through links when the file exists (else as resolved paths):
 * a shrunk file must never be written over the failure it came from (that file is the evidence,
 * and a shrink that went wrong could not be run again), whether `npusim shrink --out` or
 * `shrinkFailureFile`'s `out` names it, under a link or not.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

export function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}
