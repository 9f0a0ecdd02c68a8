import { hangingLines, WORD_BREAK } from '../core/wrap-text.js';

/** The streams a command writes to (the process's, or a test's). */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

const SAY_LEAD = 'npusim: ';

/**
 * A note for stderr: `npusim: ` and `text`, wrapped under the text at the summary's 100 columns
 * (wrap-text.ts; a variant's policy warning ran to 175, a check of the hosts to 120), ending in a
 * newline. A word is never cut, so a path or a digest stays whole to copy. `breaks`, coarsest
 * first, where the text may break (wrap-text.ts hangingLines): between words unless told.
 */
export function sayText(text: string, breaks: RegExp | readonly RegExp[] = WORD_BREAK): string {
  return `${hangingLines(SAY_LEAD, text, SAY_LEAD.length, undefined, breaks).join('\n')}\n`;
}
