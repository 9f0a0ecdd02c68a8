/**
 * The startup bench's `--threads all|kept` (bench/startup.ts): a value outside the list, or none,
 * is refused before any run (exit 2, naming what was expected and what arrived).
 */
import { describe, test } from 'vitest';
import { expectBenchRefusal } from '../support/bench-refusal.js';

describe('startup bench options', () => {
  test.each([
    [['--threads', 'fresh'], 'Expected `--threads` to be one of all, kept, got `fresh`'],
    [['--threads', 'KEPT'], 'Expected `--threads` to be one of all, kept, got `KEPT`'],
    [['--threads'], 'Expected a value after `--threads`, got none'],
    [['--threads', 'kept', '--runs', '0'], '`--runs`'],
  ])('startup %j: exit 2 before any run, naming the option', (args, message) => {
    expectBenchRefusal('startup', args, message);
  });
});
