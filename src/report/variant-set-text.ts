/**
 * A variant's `set` in one line, as the answer's table describes each variant and as an error
 * that only the variant's parameters cause names them: `policy=per-socket tenants=[2 entries]`
 * (a long list counted, not spelt out).
 */
export function variantSetText(set: Readonly<Record<string, unknown>>): string {
  return Object.entries(set)
    .map(([k, x]) => {
      const text = typeof x === 'string' ? x : JSON.stringify(x);
      return `${k}=${Array.isArray(x) && text.length > 40 ? `[${x.length} entries]` : text}`;
    })
    .join(' ');
}
