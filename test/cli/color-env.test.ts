/**
 * Colour of the run summary as a CI job asks for it: stdout there is a pipe, no TTY, and
 * FORCE_COLOR=1 is the convention that asks for colour anyway (QA: it was ignored); NO_COLOR still
 * turns it off, and neither touches the `--json` result or stderr's plain progress lines.
 */
import { describe, expect, it } from 'vitest';
import { type CliOutcome, cli } from './cli-harness.js';

const ESC = '\u001b[';

/** A short clean run, its stdout a pipe (no TTY) and its environment `env` alone. */
const runWith = (env: NodeJS.ProcessEnv, extra: string[] = []): Promise<CliOutcome> =>
  cli(
    ['run', '--seed', '1', '--duration', '10us', '--inline', '--no-failure-file', ...extra],
    undefined,
    env,
  );

describe('summary colour from the environment, stdout no TTY', () => {
  it('FORCE_COLOR=1 colours the summary; stderr stays plain', async () => {
    const out = await runWith({ FORCE_COLOR: '1' });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(ESC);
    expect(out.stderr).not.toContain('\u001b');
  });

  it('no FORCE_COLOR, FORCE_COLOR=0, or NO_COLOR beside FORCE_COLOR: plain', async () => {
    for (const env of [{}, { FORCE_COLOR: '0' }, { FORCE_COLOR: '1', NO_COLOR: '1' }]) {
      const out = await runWith(env);
      expect(out.code).toBe(0);
      expect(out.stdout).not.toContain('\u001b');
    }
  });

  it('--json under FORCE_COLOR=1 is one JSON document, no escape codes', async () => {
    const out = await runWith({ FORCE_COLOR: '1' }, ['--json']);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain('\u001b');
    expect(JSON.parse(out.stdout).status).toBe('clean');
  });
});
