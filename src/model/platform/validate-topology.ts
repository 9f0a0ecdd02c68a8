/**
 * The check of a topology spec (topology-spec.ts), from a preset, a user's file or a test: every
 * key known, every number within the machine's limits (each limit says why it is where it is),
 * names unique, NVLink tables consistent from both ends, GPUs within their socket's memory map.
 * Every mistake is said naming the field, what was expected and what arrived, all of a spec's in
 * one ConfigError (spec-issues.ts).
 */
import { ConfigError } from '../../core/errors.js';
import { shownText } from '../../core/shown-text.js';
import { MAX_GPUS } from '../protocol/wire.js';
import { GiB } from '../types.js';
import { ATSD_STRIDE } from './address-map.js';
import {
  checkKeys,
  describe,
  describeGot,
  expectArray,
  expectInt,
  isRecord,
  keyField,
} from './spec-fields.js';
import { SpecIssues } from './spec-issues.js';
import {
  MAX_P9_CHIP_ID,
  MAX_SOCKETS,
  NPU_GPU_PES,
  type TopologyOverrides,
  type TopologySpec,
} from './topology-spec.js';
import { checkNvlinks } from './validate-nvlinks.js';

const TOPOLOGY_KEYS = [
  'name',
  'sockets',
  'gpus',
  'gpuMemMap',
  'gpuRamBytes',
  'nvlinkSpeed',
  'links',
] as const;
const SOCKET_KEYS = ['chipId', 'npuPciDomain', 'gpuPciDomain', 'gpuFirstBus', 'npuRegsBase'] as const;
const GPU_KEYS = ['id', 'socket', 'links'] as const;
const LINK_KINDS = ['nvlinkBrick', 'pcie', 'xbus'] as const;
const LINK_PARAM_KEYS = ['latencyTicks', 'bytesPerSecond'] as const;
/** The keys of TopologyOverrides (topology-spec.ts): the machine options, not its shape. */
const OVERRIDE_KEYS = ['gpuMemMap', 'gpuRamBytes', 'nvlinkSpeed', 'links'] as const;

/** Longest topology or GPU name: it is printed in summaries and results. */
export const MAX_NAME_LENGTH = 64;

/**
 * Bounds of one link's latency, in ticks (ps). Below 1 ns: the threaded engine advances by the
 * smallest latency per round (its lookahead), so 1 ns already means a thousand rounds per
 * simulated microsecond, and no link of this machine is within two orders of magnitude of it
 * (zero would leave no lookahead at all). Above 1 ms: a thousand times the slowest modelled link;
 * the bound keeps every arrival time (send time + queue + latency + jitter) well inside the 2^53
 * ticks a ring record and a double hold exactly (report/duration.ts bounds the send time).
 */
export const LATENCY_TICKS_MIN = 1_000;
export const LATENCY_TICKS_MAX = 1_000_000_000;
/**
 * Bounds of one link's (or one brick's) bandwidth, bytes per second per direction. Below
 * 100 MB/s (under PCIe Gen1 x1's 250 MB/s, slower than any link this machine ever had): a 1 MiB DMA
 * would serialise for over 10 ms, so queues outgrow any run and the figures mean nothing (at
 * 1e-9 bytes/s a message would take 10^13 s). Above 1 TB/s (40 times an NVLink2 brick): a byte
 * serialises in under a tick, below the resolution of simulated time.
 */
export const BYTES_PER_SECOND_MIN = 1e8;
export const BYTES_PER_SECOND_MAX = 1e12;
/**
 * Highest NPU register base: the 8 ATSD registers above it (ATSD_OFFSET + 8 * ATSD_STRIDE, topology.ts)
 * must stay exact integers, which every address below 2^52 leaves room for.
 */
export const NPU_REGS_BASE_MAX = 2 ** 52;
/**
 * A DMA carries its GPU's index in the upper bits of a ring record's `flags` (protocol/wire.ts),
 * so only MAX_GPUS GPUs can be named there: with more, an inline run would work and a threaded one
 * could not encode the message.
 */
export { MAX_GPUS };

function checkLinkParams(v: unknown, field: string, issues: SpecIssues): void {
  if (v === undefined) return;
  if (!isRecord(v)) {
    issues.add(field, `Expected an object (${LINK_PARAM_KEYS.join(', ')}), got ${describe(v)}`);
    return;
  }
  checkKeys(v, LINK_PARAM_KEYS, field, 'a link parameter', issues);
  if (v.latencyTicks !== undefined) {
    const t = v.latencyTicks;
    // A zero-latency edge between two threads leaves no lookahead for conservative PDES
    // (docs/theory-of-operation.md#72-conservative-synchronisation-threaded): it is a configuration
    // error, not a fast link.
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < LATENCY_TICKS_MIN || t > LATENCY_TICKS_MAX) {
      issues.add(
        `${field}.latencyTicks`,
        `Expected an integer latency from ${LATENCY_TICKS_MIN} (1 ns) to ${LATENCY_TICKS_MAX} (1 ms) ticks, got ${describe(t)}`,
      );
    }
  }
  if (v.bytesPerSecond !== undefined) {
    const b = v.bytesPerSecond;
    if (
      typeof b !== 'number' ||
      !Number.isFinite(b) ||
      b < BYTES_PER_SECOND_MIN ||
      b > BYTES_PER_SECOND_MAX
    ) {
      issues.add(
        `${field}.bytesPerSecond`,
        `Expected a bandwidth from ${BYTES_PER_SECOND_MIN} (100 MB/s) to ${BYTES_PER_SECOND_MAX} (1 TB/s) bytes per second, got ${describe(b)}`,
      );
    }
  }
}

/** A name or a GPU id; one refused is quoted by describe, which cuts a long one and escapes control characters. */
function checkName(v: unknown, field: string): void {
  if (typeof v !== 'string' || v === '' || v.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(v)) {
    throw new ConfigError(
      field,
      `Expected a non-empty string of at most ${MAX_NAME_LENGTH} printable characters, got ${describeGot(v)}`,
    );
  }
}

/**
 * Check a spec (from a preset, a config file or a test) and return it typed. Every mistake is
 * found in one pass and refused as one ConfigError at the one the spec holds first, in the order
 * of its keys (as its file has them: core/field-order.ts), not of the checks (`gpus[2].links[4]`,
 * the place `fieldOf` makes of it: `my.json: gpus[2].links[4]`), its message that mistake's and
 * then each other at its place (core/issues-message.ts). A check that reads a field found wrong
 * is skipped, so one mistake is said once, not again as every check that depends on it.
 */
export function validateTopologySpec(input: unknown, fieldOf?: (field: string) => string): TopologySpec {
  // Exported to library users: a JavaScript caller's `validateTopologySpec(spec, 5)` met a
  // TypeError (`fieldOf is not a function`) at the first mistake, and a spec that was no object was
  // refused at field '', naming no argument (QA).
  if (fieldOf !== undefined && typeof fieldOf !== 'function')
    throw new ConfigError(
      'fieldOf',
      `Expected a function from a spec field to the name to report it by, got ${describe(fieldOf)}`,
    );
  if (!isRecord(input))
    throw new ConfigError(
      fieldOf === undefined ? 'spec' : fieldOf(''),
      `Expected a topology object, got ${describe(input)}`,
    );
  const issues = new SpecIssues(input);
  checkKeys(input, TOPOLOGY_KEYS, '', 'a topology field', issues);
  issues.ok(() => checkName(input.name, 'name'));
  const sockets = checkSockets(input.sockets, issues);
  const gpus = issues.value(() => expectArray(input.gpus, 'gpus'));
  const placed = gpus === undefined ? undefined : checkGpus(gpus, sockets.count, issues);
  // Links name their peers by id: with an id wrong, links that are right would be refused too (an
  // unknown peer). They are held to their GPU's socket, so a GPU on a socket the machine lacks has
  // its own links left unchecked, and every other GPU's checked (QA: one such GPU hid the links'
  // mistakes of all the others).
  if (gpus !== undefined && placed?.gpuSocket !== undefined)
    checkNvlinks(gpus, placed.gpuIndex, placed.gpuSocket, issues);
  checkMemoryMap(input, sockets.firstBus, placed?.everySocket, issues);
  checkMachineOptions(input, issues);
  issues.throwIfAny(fieldOf ?? ((field) => field));
  return input as unknown as TopologySpec;
}

/**
 * Check overrides of a spec (`buildTopology(spec, overrides)`) and return them typed: every key
 * one TopologyOverrides has, the link kinds known, each kind's parameters an object, and every
 * value as a spec's own is checked, all mistakes in one ConfigError as validateTopologySpec's.
 * applyOverrides copies only the keys it knows, so a key it does not (`bogus`, `sockets`, a link
 * kind misspelt) or a link's value that is no object would otherwise be dropped without a word.
 */
export function validateTopologyOverrides(
  input: unknown,
  fieldOf: (field: string) => string = (field) => field,
): TopologyOverrides {
  if (input === undefined) return {};
  if (!isRecord(input))
    throw new ConfigError(
      fieldOf(''),
      `Expected an object of topology overrides (${OVERRIDE_KEYS.join(', ')}), got ${describe(input)}`,
    );
  const issues = new SpecIssues(input);
  checkKeys(input, OVERRIDE_KEYS, '', 'a topology override', issues);
  if (input.gpuMemMap !== undefined) checkMemMapName(input.gpuMemMap, issues);
  checkMachineOptions(input, issues);
  issues.throwIfAny(fieldOf);
  return input as TopologyOverrides;
}

/**
 * The sockets: 1 to MAX_SOCKETS, each chip id and PCI domain used once. Returns their count when
 * the list is one of a count the machine can have (GPUs are placed by index into it), and each
 * socket's first GPU bus where it is right (the memory map's check reads it).
 */
function checkSockets(
  value: unknown,
  issues: SpecIssues,
): { count: number | undefined; firstBus: (number | undefined)[] } {
  const sockets = issues.value(() => expectArray(value, 'sockets'));
  if (sockets === undefined) return { count: undefined, firstBus: [] };
  const counted = issues.ok(() => {
    if (sockets.length < 1 || sockets.length > MAX_SOCKETS) {
      throw new ConfigError(
        'sockets',
        `Expected 1 to ${MAX_SOCKETS} sockets (Linux numbers NPUs 1 to NV_MAX_NPUS - 1: an 8th has no ATS), got ${sockets.length}`,
      );
    }
  });
  const chipIds = new Map<number, number>();
  const domains = new Map<number, string>();
  const firstBus = sockets.map((s, i) => {
    const f = `sockets[${i}]`;
    if (!isRecord(s)) {
      issues.add(f, `Expected an object, got ${describe(s)}`);
      return undefined;
    }
    checkKeys(s, SOCKET_KEYS, f, 'a socket field', issues);
    // A P9 chip id (GCID) is 7 bits: 4 of group, 3 of chip (skiboot include/chip.h P9_PIR2GCID).
    const chipId = issues.value(() => expectInt(s.chipId, `${f}.chipId`, 0, MAX_P9_CHIP_ID));
    if (chipId !== undefined) {
      const dup = chipIds.get(chipId);
      if (dup !== undefined)
        issues.add(
          `${f}.chipId`,
          `Expected a chip id no other socket has, got ${chipId}: sockets[${dup}] has it too`,
        );
      else chipIds.set(chipId, i);
    }
    for (const key of ['npuPciDomain', 'gpuPciDomain'] as const) {
      const d = issues.value(() => expectInt(s[key], `${f}.${key}`, 0, 0xffff));
      if (d === undefined) continue;
      const prev = domains.get(d);
      if (prev !== undefined) {
        issues.add(
          `${f}.${key}`,
          // As the file holds it (a JSON number is decimal), with the hex Linux prints a domain in.
          `Expected a PCI domain no other PHB has, got ${d} (0x${d.toString(16)}): ${prev} has it too`,
        );
      } else domains.set(d, `${f}.${key}`);
    }
    const bus = issues.value(() => expectInt(s.gpuFirstBus, `${f}.gpuFirstBus`, 0, 0xff));
    if (s.npuRegsBase !== undefined) issues.ok(() => checkNpuRegsBase(s.npuRegsBase, `${f}.npuRegsBase`));
    return bus;
  });
  return { count: counted ? sockets.length : undefined, firstBus };
}

function checkNpuRegsBase(value: unknown, field: string): void {
  const base = expectInt(value, field, 0, NPU_REGS_BASE_MAX);
  // VFIO maps each ATSD register into a guest as one 64K page of its own (vfio_pci_nvlink2.c
  // mmaps `mmio_atsd >> PAGE_SHIFT`, one page): a base off a 64K boundary puts every register
  // across two pages, which no guest could be given.
  if (base % ATSD_STRIDE !== 0) {
    throw new ConfigError(
      field,
      `Expected an NPU register base on a 64 KiB boundary (each ATSD register is mapped to a guest as one 64K page), got 0x${base.toString(16)} (0x${(base % ATSD_STRIDE).toString(16)} past one)`,
    );
  }
}

/**
 * The GPUs: 1 to MAX_GPUS, each id used once and on a socket. Returns each id's index, and each
 * GPU's socket when every GPU is an object with a right id and the sockets' count is known
 * (undefined otherwise: the checks that read them are skipped), a GPU whose socket is wrong
 * without one (the links' check skips that GPU's own links); `everySocket` the same list only
 * when no GPU lacks one (the memory map's check counts each socket's GPUs). With no socket count
 * to hold a GPU's socket to (the sockets' list is wrong), every socket is left unchecked, not
 * refused.
 */
function checkGpus(
  gpus: unknown[],
  socketCount: number | undefined,
  issues: SpecIssues,
): {
  gpuIndex: Map<string, number>;
  gpuSocket: (number | undefined)[] | undefined;
  everySocket: number[] | undefined;
} {
  if (gpus.length < 1 || gpus.length > MAX_GPUS) {
    issues.add(
      'gpus',
      `Expected 1 to ${MAX_GPUS} GPUs (a DMA names its GPU in the upper bits of a ring record's flags), got ${gpus.length}`,
    );
  }
  const gpuIndex = new Map<string, number>();
  const gpuSocket: (number | undefined)[] = [];
  let idsRight = true;
  let allPlaced = true;
  gpus.forEach((g, i) => {
    const f = `gpus[${i}]`;
    if (!isRecord(g)) {
      issues.add(f, `Expected an object, got ${describe(g)}`);
      idsRight = false;
      return;
    }
    checkKeys(g, GPU_KEYS, f, 'a GPU field', issues);
    if (!issues.ok(() => checkName(g.id, `${f}.id`)) || typeof g.id !== 'string') idsRight = false;
    else {
      const dup = gpuIndex.get(g.id);
      if (dup !== undefined) {
        issues.add(
          `${f}.id`,
          `Expected a GPU id no other GPU has, got \`${shownText(g.id)}\`: gpus[${dup}] has it too`,
        );
        idsRight = false;
      } else gpuIndex.set(g.id, i);
    }
    if (socketCount === undefined) return;
    const socket = issues.value(() => expectInt(g.socket, `${f}.socket`, 0, socketCount - 1));
    gpuSocket[i] = socket;
    if (socket === undefined) allPlaced = false;
  });
  const known = idsRight && socketCount !== undefined;
  return {
    gpuIndex,
    gpuSocket: known ? gpuSocket : undefined,
    // Every GPU's socket, none undefined.
    everySocket: known && allPlaced ? (gpuSocket as number[]) : undefined,
  };
}

/**
 * The GPU memory map, and each socket's GPUs within its apertures and its bus numbers; the GPUs'
 * part only when every GPU is placed (`gpuSocket`), a socket's buses only when its first is right.
 */
function checkMemoryMap(
  input: Record<string, unknown>,
  firstBus: readonly (number | undefined)[],
  gpuSocket: readonly number[] | undefined,
  issues: SpecIssues,
): void {
  const memMap = input.gpuMemMap ?? 'GPU_MEM_4T_DOWN';
  checkMemMapName(memMap, issues);
  if (gpuSocket === undefined || gpuSocket.length === 0) return;
  const perSocket = new Map<number, number>();
  for (const s of gpuSocket) perSocket.set(s, (perSocket.get(s) ?? 0) + 1);
  // A socket's GPUs sit on consecutive buses from gpuFirstBus (topology.ts): the last must be a bus.
  for (const [socket, n] of perSocket) {
    const first = firstBus[socket];
    if (first !== undefined && first + n - 1 > 0xff) {
      issues.add(
        `sockets[${socket}].gpuFirstBus`,
        `Expected room for ${n} GPU buses up to 0xff, got first bus 0x${first.toString(16)} (last would be 0x${(first + n - 1).toString(16)})`,
      );
    }
  }
  const maxPerSocket = Math.max(...perSocket.values());
  // Tighter than GPU_MEM_4T_DOWN's 6 apertures per chip and the NPU's 6 bricks: Linux gives each
  // GPU's bridges one NPU PE, and an NPU has five to give (topology-spec.ts NPU_GPU_PES).
  if (maxPerSocket > NPU_GPU_PES.length) {
    // Named by the first GPU past the limit, with every GPU of its socket.
    const socket = [...perSocket].find(([, n]) => n === maxPerSocket)![0];
    const on = gpuSocket.flatMap((s, i) => (s === socket ? [i] : []));
    issues.add(
      `gpus[${on[NPU_GPU_PES.length]}].socket`,
      `Expected at most ${NPU_GPU_PES.length} GPUs per socket (Linux gives each GPU one NPU PE of 5 down to 1: firmware reserves PE 7, Linux 6 as the root PE and 0 for error reporting), got ${maxPerSocket} on socket ${socket}: ${on.map((i) => `gpus[${i}]`).join(', ')}`,
    );
  }
  // skiboot hw/phys-map.c has GPU_MEM_4T_UP entries for indices 0..3 only ("4 GPUs per socket"
  // in npu2.c); a fifth GPU on a chip would make phys_map_get assert.
  if (memMap === 'GPU_MEM_4T_UP' && maxPerSocket > 4) {
    issues.add(
      'gpuMemMap',
      `GPU_MEM_4T_UP (small memory map) has 4 apertures per chip, got ${maxPerSocket} GPUs on one socket`,
    );
  }
}

/** One of skiboot's two GPU memory maps (hw/phys-map.c). */
function checkMemMapName(memMap: unknown, issues: SpecIssues): void {
  if (memMap !== 'GPU_MEM_4T_DOWN' && memMap !== 'GPU_MEM_4T_UP')
    issues.add('gpuMemMap', `Expected GPU_MEM_4T_DOWN or GPU_MEM_4T_UP, got ${describeGot(memMap)}`);
}

/** GPU RAM, the NVLink speed and the link parameters, when given: each apart from the others. */
function checkMachineOptions(input: Record<string, unknown>, issues: SpecIssues): void {
  if (input.gpuRamBytes !== undefined && input.gpuRamBytes !== 16 * GiB && input.gpuRamBytes !== 32 * GiB) {
    issues.add(
      'gpuRamBytes',
      `Expected 16 GiB or 32 GiB (V100 16/32 GB), got ${describe(input.gpuRamBytes)}`,
    );
  }
  if (input.nvlinkSpeed !== undefined)
    issues.ok(() => expectInt(input.nvlinkSpeed, 'nvlinkSpeed', 0, 0xffff_ffff));
  if (input.links !== undefined) {
    if (!isRecord(input.links)) {
      issues.add('links', `Expected an object, got ${describe(input.links)}`);
      return;
    }
    checkKeys(input.links, LINK_KINDS, 'links', 'a link kind', issues);
    for (const [k, v] of Object.entries(input.links)) checkLinkParams(v, keyField('links', k), issues);
  }
}
