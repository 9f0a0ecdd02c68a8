/**
 * The NVLink part of a topology spec's check (validate-topology.ts): each GPU's six links, each a
 * peer GPU on the same socket or a brick of its socket's NPU, and the peer tables (the device
 * tree's ibm,nvlink-peers) consistent from both ends.
 */
import { countText } from '../../core/count-text.js';
import { ConfigError } from '../../core/errors.js';
import { shownText } from '../../core/shown-text.js';
import { checkKeys, describe, describeGot, expectArray, expectInt, isRecord } from './spec-fields.js';
import type { SpecIssues } from './spec-issues.js';
import { type GpuSpec, NPU_LINKS_PER_CHIP, NVLINKS_PER_GPU } from './topology-spec.js';

/**
 * Each GPU's 6 NVLinks: a peer on the same socket or a brick of its socket's NPU used once, at
 * least one brick per GPU, and peer tables that agree from both ends. Every link is checked apart
 * from the others; the checks over a GPU's links together (a brick among them, the tables from
 * both ends) only where each link of theirs is right: a link misspelt would be a brick missing or
 * a peer listed once, said again. A GPU without a socket (`gpuSocket[i]` undefined: its socket,
 * refused already, is one the machine lacks) has its own links left unchecked, each held to that
 * socket (its bricks are that socket's NPU's); a peer link to it is checked but for the socket
 * they share, and the tables from both ends but for the pairs it is in (its side of them unread).
 */
export function checkNvlinks(
  gpus: unknown[],
  gpuIndex: ReadonlyMap<string, number>,
  gpuSocket: readonly (number | undefined)[],
  issues: SpecIssues,
): void {
  const bricksUsed = new Map<string, string>();
  const peerCount = new Map<string, number>();
  let tablesWhole = true;
  gpus.forEach((g, i) => {
    const socket = gpuSocket[i];
    if (socket === undefined) return;
    const f = `gpus[${i}]`;
    const rec = g as Record<string, unknown>;
    const links = issues.value(() => expectArray(rec.links, `${f}.links`));
    if (links === undefined) {
      tablesWhole = false;
      return;
    }
    let linksRight = true;
    if (links.length !== NVLINKS_PER_GPU) {
      issues.add(
        `${f}.links`,
        `Expected ${NVLINKS_PER_GPU} NVLink entries (a V100 has 6 links), got ${links.length}`,
      );
      linksRight = false;
    }
    let bricks = 0;
    links.forEach((l, k) => {
      const lf = `${f}.links[${k}]`;
      if (!isRecord(l)) {
        issues.add(lf, `Expected {gpu: id} or {brick: n}, got ${describe(l)}`);
        linksRight = false;
        return;
      }
      checkKeys(l, ['gpu', 'brick'], lf, 'a link field', issues);
      if ('gpu' in l && !('brick' in l)) {
        const peer = issues.value(() => checkPeerLink(l, lf, i, rec.id, gpuIndex, gpuSocket));
        if (peer === undefined) linksRight = false;
        else {
          const key = `${i}>${peer}`;
          peerCount.set(key, (peerCount.get(key) ?? 0) + 1);
        }
      } else if ('brick' in l && !('gpu' in l)) {
        if (issues.ok(() => checkBrickLink(l, lf, socket, bricksUsed))) bricks++;
        else linksRight = false;
      } else {
        issues.add(lf, `Expected exactly one of \`gpu\` or \`brick\`, got ${neitherOrBoth(l)}`);
        linksRight = false;
      }
    });
    if (!linksRight) {
      tablesWhole = false;
      return;
    }
    // The GPU's NVLink to its NPU carries ATS translation requests, ATSD shootdowns and DMA to host
    // memory (world.ts wires them on that edge): a GPU with only peer links could do none of it.
    if (bricks === 0) {
      issues.add(
        `${f}.links`,
        `Expected at least one CPU brick ({"brick": n}): a GPU needs an NVLink to its NPU for ATS and DMA, got only GPU peers for \`${shownText(String(rec.id))}\``,
      );
    }
  });
  if (tablesWhole) checkPeerSymmetry(gpus, gpuSocket, peerCount, issues);
}

/**
 * What a link that is neither a peer nor a brick held: both keys with their values, or neither
 * (its other keys, each refused on its own line by checkKeys, or none at all).
 */
function neitherOrBoth(l: Record<string, unknown>): string {
  if ('gpu' in l) return `both (\`gpu\` ${describeGot(l.gpu)} and \`brick\` ${describe(l.brick)})`;
  const keys = Object.keys(l);
  return keys.length === 0
    ? 'an empty object'
    : `neither (only ${keys.map((k) => `\`${shownText(k)}\``).join(', ')})`;
}

/**
 * A link `{gpu: id}` of GPU `i`: a known GPU, not `i` itself, on the same socket (where the peer
 * has one: a peer on a socket the machine lacks is refused at its socket, not again here).
 * Returns its index.
 */
function checkPeerLink(
  l: Record<string, unknown>,
  lf: string,
  i: number,
  id: unknown,
  gpuIndex: ReadonlyMap<string, number>,
  gpuSocket: readonly (number | undefined)[],
): number {
  const peer = gpuIndex.get(String(l.gpu));
  if (typeof l.gpu !== 'string' || peer === undefined) {
    throw new ConfigError(
      `${lf}.gpu`,
      `Expected the id of a peer GPU, got ${describeGot(l.gpu)}: unknown peer, no GPU has that id`,
    );
  }
  if (peer === i)
    throw new ConfigError(`${lf}.gpu`, `Expected a peer GPU, got the GPU itself (\`${shownText(l.gpu)}\`)`);
  const socket = gpuSocket[i]!;
  if (gpuSocket[peer] !== undefined && gpuSocket[peer] !== socket) {
    throw new ConfigError(
      `${lf}.gpu`,
      `Expected a peer on the same socket (no GPU link crosses sockets on Witherspoon), got \`${shownText(l.gpu)}\` on socket ${gpuSocket[peer]} for \`${shownText(String(id))}\` on socket ${socket}`,
    );
  }
  return peer;
}

/** A link `{brick: n}` on `socket`: a brick of its NPU no other link uses (recorded in `bricksUsed`). */
function checkBrickLink(
  l: Record<string, unknown>,
  lf: string,
  socket: number,
  bricksUsed: Map<string, string>,
): void {
  const brick = expectInt(l.brick, `${lf}.brick`, 0, NPU_LINKS_PER_CHIP - 1);
  const key = `${socket}:${brick}`;
  const prev = bricksUsed.get(key);
  if (prev !== undefined) {
    throw new ConfigError(
      `${lf}.brick`,
      `Expected a brick no other link of socket ${socket} uses, got ${brick}: ${prev} already uses it`,
    );
  }
  bricksUsed.set(key, lf);
}

/**
 * ibm,nvlink-peers must agree from both ends: A lists B as often as B lists A (each pair said
 * once). A pair with a GPU without a socket is left out: its links were not read.
 */
function checkPeerSymmetry(
  gpus: unknown[],
  gpuSocket: readonly (number | undefined)[],
  peerCount: ReadonlyMap<string, number>,
  issues: SpecIssues,
): void {
  const said = new Set<string>();
  for (const [key, n] of peerCount) {
    const [a, b] = key.split('>').map(Number) as [number, number];
    if (gpuSocket[b] === undefined) continue;
    const back = peerCount.get(`${b}>${a}`) ?? 0;
    if (back !== n && !said.has(`${b}>${a}`)) {
      said.add(key);
      const ga = shownText((gpus[a] as GpuSpec).id);
      const gb = shownText((gpus[b] as GpuSpec).id);
      issues.add(
        `gpus[${b}].links`,
        `Expected symmetric peer tables (as often as \`${ga}\` lists \`${gb}\`, ${countText(n, 'time')}), got \`${gb}\` listing \`${ga}\` ${countText(back, 'time')}`,
      );
    }
  }
}
