/**
 * `where` and a field inside it, as every refusal names its place: `my.json: params.gpu` (`where`
 * names a file or an option). Here, not beside the schema's wording (model/scenario/schema-issues.ts),
 * so a command that reads a topology file without simulating (`npusim topo`) does not load zod.
 */
export function joinField(where: string, field: string): string {
  if (field === '') return where;
  return where === '' ? field : `${where}: ${field}`;
}
