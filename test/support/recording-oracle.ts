/**
 * An oracle that also keeps every event it is fed, in order: for the tests that drive one part of
 * an actor by hand and check what it told the oracle, beside what the oracle made of it.
 */
import { Oracle } from '../../src/model/check/oracle.js';
import type { OracleEvent } from '../../src/model/check/oracle-events.js';

export function recordingOracle(): { oracle: Oracle; events: OracleEvent[] } {
  const oracle = new Oracle();
  const events: OracleEvent[] = [];
  const observe = oracle.observe.bind(oracle);
  oracle.observe = (ev: OracleEvent) => {
    events.push(ev);
    return observe(ev);
  };
  return { oracle, events };
}
