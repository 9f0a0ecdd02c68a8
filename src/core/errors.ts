/**
 * Error classes shared by every layer, so the command line can map each to its exit code
 * (core/exit-codes.ts: 2 usage or config error, 1 invariant violated, 3 liveness, 4 crash; a replay
 * that did not reproduce, 5, and an interrupted run, 130, are outcomes, not errors).
 *
 * Messages follow one shape: what was expected, what arrived, and where (field path, actor, tick),
 * e.g. ``Expected `gpus[2].links` to have 6 entries, got 5``.
 */

/** A bad option, topology, workload file or replay file: exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /**
   * Where the error is, as its message begins: a field's dotted path (`gpus[2].links[4]`), an
   * option (`--seeds`), a file or set the user named (`runs-a`), or such a place and the field
   * within it after `: ` (`f.json: options.variant`, `w: params.tenants[0].nmae`); '' when the
   * whole input is wrong. Read it to show the place, not to parse it (QA: the comment promised a
   * dotted path alone).
   */
  readonly field: string;
  constructor(field: string, message: string) {
    super(field === '' ? message : `${field}: ${message}`);
    this.field = field;
  }
}

/**
 * A request the modelled hardware or kernel would refuse (OPAL_PARAMETER, -EINVAL, -EPERM, a
 * tenant taking part of a group). Not a bug in the simulator: the model reports it and goes on.
 */
export class ModelRefusal extends Error {
  override readonly name = 'ModelRefusal';
  /** Short machine-readable code: 'OPAL_PARAMETER', 'EINVAL', 'EPERM', 'GROUP_SPLIT', ... */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** An internal assertion of the simulator failed: a bug in npusim itself (exit code 4). */
export class AssertionFailure extends Error {
  override readonly name = 'AssertionFailure';
}

/** Always-on assertion (TigerBeetle style): the message says what must never happen. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}
