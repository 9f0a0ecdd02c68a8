/**
 * Text a user gave (a line of their file, an option they typed) as a message quotes it: cut to
 * SHOWN_CHARS characters, so a 3000-character argument or line costs the reader one line, and a
 * control or format character (DEL, a C1 control, a direction override) written as its code,
 * `\u009b`, never raw; a backquote, which would end the quote, as `'`. `gotText` is the one
 * place a refusal's received text is quoted (`got \`per-gpu\``): an empty one, which a code span
 * showed as ``got `` `` (QA: `--policy ""`), is said in words.
 */

/** Beyond this many characters, a text is quoted cut. */
export const SHOWN_CHARS = 60;

/**
 * `text` as a message quotes it (inside backquotes). Cut, it keeps its start, or, given `at` (a
 * character's index: the item an error is about, in its line), the SHOWN_CHARS around that
 * character, `...` marking each end cut off.
 */
export function shownText(text: string, at?: number): string {
  const chars = Array.from(text);
  let cut = text;
  if (chars.length > SHOWN_CHARS) {
    const start =
      at === undefined ? 0 : Math.max(0, Math.min(at - SHOWN_CHARS / 2, chars.length - SHOWN_CHARS));
    const end = start + SHOWN_CHARS;
    cut = `${start > 0 ? '...' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '...' : ''}`;
  }
  return cut.replace(/[\p{Cc}\p{Cf}`]/gu, (c) =>
    c === '`' ? "'" : `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}

/**
 * What a refusal says it got: `` `text` ``, or `"" (empty)` for the empty string. Given as typed
 * (a path, a name the message should show whole) or through shownText where it may be long.
 */
export function gotText(text: string): string {
  return text === '' ? '"" (empty)' : `\`${text}\``;
}
