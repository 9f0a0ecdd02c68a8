/**
 * A topology file's text quoted in a refusal (QA, twice: `npusim topo` on a file whose GPU id was
 * `"g\n0"` printed one error over two lines, and a name's ESC reached the terminal): every id,
 * name, peer reference and key a refusal quotes, and every key in its field's place, is shown
 * through core/shown-text.ts, so an error stays one line (README: "Error messages (exit 2) stay
 * one line each") and no control character reaches the terminal.
 */
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { buildTopology, TOPOLOGY_PRESETS } from '../../../src/model/platform/topology.js';
import { validateTopologySpec } from '../../../src/model/platform/validate-topology.js';
import { thrownBy } from '../../support/thrown.js';

type Json = Record<string, unknown>;

const spec = (): Json => JSON.parse(JSON.stringify(TOPOLOGY_PRESETS['witherspoon-4'])) as Json;
const gpusOf = (s: Json) => s.gpus as { id: string; links: Json[] }[];

/** The refusal of `s` as a file `t.json` would be refused, with the place `npusim topo` gives it. */
const messageOf = (s: Json) =>
  thrownBy(ConfigError, () => validateTopologySpec(s, (field) => `t.json: ${field}`)).message;

/** A control character (C0, DEL, C1) or a format character (a direction override): none may reach the terminal. */
const RAW = /[\p{Cc}\p{Cf}]/u;

describe('topology file: a control character in what a refusal quotes is escaped, the refusal one line', () => {
  test('a GPU id with a newline (QA: `got `g` then `0`` on the next line)', () => {
    const s = spec();
    gpusOf(s)[0]!.id = 'g\n0';
    const m = messageOf(s);
    expect(m).not.toMatch(RAW);
    expect(m).toBe(
      't.json: gpus[0].id: Expected a non-empty string of at most 64 printable characters, got "g\\n0"',
    );
  });

  test('a name with an ESC and a newline: the escape sequence is written out, not sent', () => {
    const s = spec();
    s.name = 'evil\u001b[31mRED\nsecond line';
    const m = messageOf(s);
    expect(m).not.toMatch(RAW);
    expect(m).toBe(
      't.json: name: Expected a non-empty string of at most 64 printable characters, got "evil\\u001b[31mRED\\nsecond line"',
    );
  });

  test('a peer reference with a newline and an ESC', () => {
    const s = spec();
    gpusOf(s)[0]!.links[0] = { gpu: 'x\ny\u001b[2J' };
    const m = messageOf(s);
    expect(m).not.toMatch(RAW);
    expect(m).toBe(
      't.json: gpus[0].links[0].gpu: Expected the id of a peer GPU, got "x\\ny\\u001b[2J": unknown peer, no GPU has that id',
    );
  });

  test('an unknown key with a newline and an ESC: in its place and in the message, at every level', () => {
    const top = spec();
    top['bo\ngus\u001b[0m'] = 1;
    expect(messageOf(top)).not.toMatch(RAW);
    expect(messageOf(top)).toMatch(
      /^t\.json: bo\\u000agus\\u001b\[0m: Expected a topology field \(one of: .*\), got unknown key `bo\\u000agus\\u001b\[0m`$/,
    );

    // In a link, the key is also what the link is said to hold instead of `gpu` or `brick` (the
    // link first, as the file has it before its keys: core/field-order.ts).
    const link = spec();
    gpusOf(link)[0]!.links[0] = { 'k\u001b\nz': 1 };
    const lines = messageOf(link).split('\n');
    expect(lines).toEqual([
      't.json: gpus[0].links[0]: Expected exactly one of `gpu` or `brick`, got neither (only `k\\u001b\\u000az`)',
      '  t.json: gpus[0].links[0].k\\u001b\\u000az: Expected a link field (one of: gpu, brick), got unknown key `k\\u001b\\u000az`',
    ]);
    for (const line of lines) expect(line).not.toMatch(RAW);

    // A link kind misspelt with a newline: its parameters' places name it escaped too.
    const kind = spec();
    kind.links = { 'x\nbus': 5 };
    expect(messageOf(kind).split('\n')).toEqual([
      't.json: links.x\\u000abus: Expected a link kind (one of: nvlinkBrick, pcie, xbus), got unknown key `x\\u000abus` (did you mean `xbus`?)',
      '  t.json: links.x\\u000abus: Expected an object (latencyTicks, bytesPerSecond), got 5',
    ]);
  });

  // A format character (U+202E, RIGHT-TO-LEFT OVERRIDE) is no \p{Cc}: an id holding one is accepted,
  // so the messages that quote a known id (taken twice, a GPU its own peer) must escape it too, or
  // it would reverse the rest of the line on the terminal.
  test('an accepted id with a direction override is escaped where a refusal names it (duplicate, own peer)', () => {
    const dup = spec();
    gpusOf(dup)[0]!.id = 'g\u202e1';
    gpusOf(dup)[1]!.id = 'g\u202e1';
    const m = messageOf(dup);
    expect(m).not.toMatch(RAW);
    expect(m).toBe(
      't.json: gpus[1].id: Expected a GPU id no other GPU has, got `g\\u202e1`: gpus[0] has it too',
    );

    const self = spec();
    const gpus = gpusOf(self);
    gpus[0]!.id = 'g\u202e0';
    gpus[1]!.links = gpus[1]!.links.map((l) => (l.gpu === 'gpu0' ? { gpu: 'g\u202e0' } : l));
    gpus[0]!.links[0] = { gpu: 'g\u202e0' };
    const own = messageOf(self);
    expect(own).not.toMatch(RAW);
    expect(own).toBe('t.json: gpus[0].links[0].gpu: Expected a peer GPU, got the GPU itself (`g\\u202e0`)');
  });

  test('a preset name with a newline given to buildTopology', () => {
    const m = thrownBy(ConfigError, () => buildTopology('wither\nspoon' as never)).message;
    expect(m).not.toMatch(RAW);
    expect(m).toMatch(/^topology: Expected a preset name \(.*\) or a spec, got `wither\\u000aspoon`$/);
  });
});
