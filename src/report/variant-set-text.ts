/**
 * A variant's `set` and `bugs` in one line, as the answer's table describes each variant and as
 * an error that only the variant's parameters cause names them: `policy=per-socket
 * tenants=[2 entries]` (a long list counted, not spelt out), its switches as the option that gives
 * them (`--bug single-flush`), so a variant that differs only by a switch does not read as one
 * that sets nothing.
 */
export function variantSetText(set: Readonly<Record<string, unknown>>, bugs: readonly string[] = []): string {
  return [
    ...Object.entries(set).map(([k, x]) => {
      const text = typeof x === 'string' ? x : JSON.stringify(x);
      return `${k}=${Array.isArray(x) && text.length > 40 ? `[${x.length} entries]` : text}`;
    }),
    ...bugs.map((bug) => `--bug ${bug}`),
  ].join(' ');
}
