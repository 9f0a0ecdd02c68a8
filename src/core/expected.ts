/**
 * The one shape of every argument error in the transport, p-queue style:
 * ``Expected `capacityRecords` to be a power of two from 2 to 2^24, got `100` (number)``.
 */
export function expected(name: string, what: string, got: unknown): RangeError {
  return new RangeError(`Expected \`${name}\` to be ${what}, got \`${show(got)}\` (${typeof got})`);
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof SharedArrayBuffer) return `SharedArrayBuffer(${value.byteLength})`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
