/**
 * The mistakes a topology spec's check (validate-topology.ts, validate-nvlinks.ts) finds, gathered
 * so a file with five is fixed in one run, not five, and refused in the layout a workload file's
 * are (core/issues-message.ts), in the order the file has them as a workload file's are
 * (core/field-order.ts). The checks of one field still throw their ConfigError; `value` and `ok`
 * record it and let the check go on to the next independent field.
 */
import { ConfigError } from '../../core/errors.js';
import { inFieldOrder } from '../../core/field-order.js';
import { issuesMessage } from '../../core/issues-message.js';

/**
 * The refusal `throwIfAny` throws: a ConfigError that keeps its mistakes, so a caller gathering
 * several checks' refusals in its own SpecIssues (a topology file's machine and its name,
 * report/topology-file-check.ts) lists each at its place under its own naming (`my.json:
 * sockets[1].npuRegsBase`), not the first renamed and the others as this refusal named them.
 */
export class SpecRefusal extends ConfigError {
  readonly issues: readonly { field: string; message: string }[];
  constructor(field: string, message: string, issues: readonly { field: string; message: string }[]) {
    super(field, message);
    this.issues = issues;
  }
}

export class SpecIssues {
  /** In the order found, which is the order the fields are checked in. */
  private readonly found: { field: string; message: string }[] = [];

  /**
   * `root`: the object the fields are of (the spec, as read from its file), by whose keys'
   * order `throwIfAny` lists them (a file with mistakes at lines 9, 10, 3 and 4 was told them so:
   * QA); without it, in the order found.
   */
  constructor(private readonly root?: unknown) {}

  add(field: string, message: string): void {
    this.found.push({ field, message });
  }

  /** `check()`'s result, or undefined with the ConfigError it threw recorded. */
  value<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      if (e instanceof SpecRefusal) for (const i of e.issues) this.add(i.field, i.message);
      else this.add(e.field, e.field === '' ? e.message : e.message.slice(e.field.length + 2));
      return undefined;
    }
  }

  /** Whether `check()` passed; its ConfigError recorded when not. */
  ok(check: () => void): boolean {
    const before = this.found.length;
    this.value(check);
    return this.found.length === before;
  }

  /**
   * Refuse the spec when anything was found: one ConfigError at the first mistake's field (the
   * first in `root`, core/field-order.ts), its message every mistake's in that order (`fieldOf`
   * names each place: `my.json: gpus[1].socket`).
   */
  throwIfAny(fieldOf: (field: string) => string): void {
    if (this.found.length === 0) return;
    const ordered = this.root === undefined ? [...this.found] : inFieldOrder(this.found, this.root);
    throw new SpecRefusal(fieldOf(ordered[0]!.field), issuesMessage(ordered, fieldOf), ordered);
  }
}
