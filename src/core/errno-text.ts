/**
 * Why a file could not be read, in words first and the system's code after it (`no such file
 * (ENOENT)`, `a directory (EISDIR)`): the one wording of every reader of a user's file (workload,
 * topology, seeds, failure and result files). A code with no words here is given as it is.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory',
  ENOTDIR: 'a path through something that is not a directory',
  ELOOP: 'a loop of symbolic links',
  ENAMETOOLONG: 'a name too long',
};

/** `e`, an error from node:fs (or anything thrown), as the words of a message's "got ...". */
export function errnoText(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return e instanceof Error ? e.message : String(e);
  const words = WORDS[code];
  return words === undefined ? code : `${words} (${code})`;
}
