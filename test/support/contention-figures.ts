/**
 * One socket's and one link's figures as a run result holds them (src/report/run-result.ts), for
 * the tests of comparing and printing them: plain defaults, each test overriding what it varies.
 * A socket has no `nmmuWalkerUtilisation` unless given, as a result from before it was recorded.
 */
import type { LinkFigures, SocketFigures } from '../../src/report/run-result.js';

const US = 1_000_000; // ticks

export const socketFigures = (o: Partial<SocketFigures> = {}): SocketFigures => ({
  socket: 0,
  chip: 'chip0',
  nmmuTranslations: 1000,
  nmmuFaults: 0,
  nmmuP99Ticks: 12 * US,
  atsdLaunches: 40,
  atsdWaits: 10,
  atsdWonAtOnce: 30,
  atsdWaitP99Ticks: 2 * US,
  atsdBusySeen: 100,
  atsdWaitingAtEnd: 0,
  atsdLongestWaitAtEndTicks: 0,
  tceHits: 300,
  tceMisses: 700,
  ...o,
});

export const linkFigures = (o: Partial<LinkFigures> = {}): LinkFigures => ({
  label: 'gpu0->chip0 pcie',
  kind: 'pcie',
  between: 'gpu-chip',
  messages: 1000,
  bytes: 4_096_000,
  backlogBytes: 0,
  utilisation: 0.5,
  meanQueueDelayTicks: 5 * US,
  maxQueueDelayTicks: 15 * US,
  ...o,
});
