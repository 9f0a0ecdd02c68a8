/**
 * The oldest Node npusim runs on, checked before anything else of the command runs (main.ts
 * imports this first, and ES modules run in import order). Under Node 20.11 and 18 every command
 * died at start with Node's own `SyntaxError: ... does not provide an export named 'styleText'`,
 * exit 1, which is npusim's code for a violation (QA). Kept equal to package.json `engines`
 * (test/cli/node-floor.test.ts).
 */
export const NODE_FLOOR = '20.12.0';

/** Whether Node `version` (`20.11.1`, `v18.20.8`) is older than NODE_FLOOR. */
export function olderThanFloor(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [fMajor = 0, fMinor = 0, fPatch = 0] = NODE_FLOOR.split('.').map(Number);
  if (major !== fMajor) return major < fMajor;
  if (minor !== fMinor) return minor < fMinor;
  return patch < fPatch;
}

if (olderThanFloor(process.versions.node)) {
  process.stderr.write(
    `npusim: Expected Node.js ${NODE_FLOOR} or later (package.json engines), got ${process.versions.node}: install a newer Node (https://nodejs.org) and run npusim again\n`,
  );
  // 2: the environment npusim was given, as for any configuration it refuses (README exit codes).
  process.exit(2);
}
