/**
 * Whether two paths name one file, through links when the file exists (else as resolved paths):
 * a shrunk file must never be written over the failure it came from (that file is the evidence,
 * and a shrink that went wrong could not be run again), whether `npusim shrink --out` or
 * `shrinkFailureFile`'s `out` names it, under a symbolic link or a hard link (a hard link has a
 * path of its own, so only its device and inode tell: QA, `ln f.json g.json; npusim shrink f.json
 * --out g.json` shrank for 686 runs and wrote over the link).
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  if (real(a) === real(b)) return true;
  const inode = (p: string) => {
    try {
      const st = statSync(p);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  };
  const ia = inode(a);
  return ia !== undefined && ia === inode(b);
}
