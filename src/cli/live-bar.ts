/**
 * The progress bar live on a stream (terminal-bar.ts makes it), kept apart from cli-progress so
 * that what takes it down can be loaded by every command at start (main.ts, for a crash while a
 * bar is drawn) without loading the bar library itself.
 */
import type cliProgress from 'cli-progress';

const live = new WeakMap<NodeJS.WritableStream, cliProgress.SingleBar>();

/** `bar` is the one drawn on `stream` until it stops or is taken down. */
export function setLiveBar(stream: NodeJS.WritableStream, bar: cliProgress.SingleBar): void {
  live.set(stream, bar);
}

/**
 * Stops the bar live on `stream`, if one is drawn: its line cleared, the cursor shown and wrapping
 * back on, at the start of that line. True when there was one: a message then needs no newline first.
 */
export function takeDownBar(stream: NodeJS.WritableStream): boolean {
  const bar = live.get(stream);
  live.delete(stream);
  if (bar === undefined || !bar.isActive) return false;
  bar.stop();
  return true;
}
