/**
 * The error `fn` throws, of the class the test expects (a ConfigError, a ModelRefusal...): any
 * other error is rethrown as it is, and nothing thrown fails the test saying what was expected.
 */
export function thrownBy<E extends Error>(kind: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof kind) return e;
    throw e;
  }
  throw new Error(`expected a ${kind.name}, nothing was thrown`);
}
