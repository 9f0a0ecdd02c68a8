import type { CompareArgs } from './args.js';
import type { CliIo } from './cli-io.js';

export async function compareCommand(_args: CompareArgs, _io: CliIo): Promise<number> {
  return 0;
}
