/**
 * Text a user gave (a line of their file, an option they typed) as a message quotes it: cut to
 * SHOWN_CHARS characters, so a 3000-character argument or line costs the reader one line, and a
 * control or format character (DEL, a C1 control, a direction override) written as its code,
 * `\u009b`, never raw; a backquote, which would end the quote, as `'`. `gotText` is the one
 * place a refusal's received text is quoted (`got \`per-gpu\``): an empty one, which a code span
 * showed as ``got `` `` (QA: `--policy ""`), is said in words; one holding a control character
 * as JSON writes it, that character escaped (QA: a failure file's `options.profile` of
 * `fixed\u001b]0;pwned\u0007` retitled the terminal that printed its refusal).
 */

/** Beyond this many characters, a text is quoted cut. */
export const SHOWN_CHARS = 60;

/** A control character (C0, DEL, C1), a format character (U+202E, U+FEFF) or a lone surrogate. */
const UNSHOWN = /[\p{Cc}\p{Cf}\p{Cs}]/u;

/** Each control or format character of `text` as its code (`\u001b`); the rest as it is. */
export function escapeControls(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/**
 * `text` as a JSON string (`"fixed\u001b[2J"`), with what JSON.stringify leaves raw (DEL, a C1
 * control, a format character) escaped too: nothing in it acts on a terminal.
 */
export function escapedText(text: string): string {
  return escapeControls(JSON.stringify(text));
}

/**
 * `text` in backquotes when it is plain text (`` `per-gpu` ``), else as escapedText writes it:
 * an empty text, a backquote (which would end the quote), a control or format character never
 * reaches the terminal as it is. For a name a message quotes from a user's file or command line,
 * whole (shownText cuts a long one first).
 */
export function codeText(text: string): string {
  return text === '' || text.includes('`') || UNSHOWN.test(text) ? escapedText(text) : `\`${text}\``;
}

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
  return escapeControls(cut.replace(/`/g, "'"));
}

/**
 * What a refusal says it got: codeText's `` `text` `` (`"fixed\u001b[2J"` for one holding a
 * control character), or `"" (empty)` for the empty string. Given as typed (a path, a name the
 * message should show whole) or through shownText where it may be long.
 */
export function gotText(text: string): string {
  return text === '' ? '"" (empty)' : codeText(text);
}
