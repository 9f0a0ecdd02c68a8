/**
 * The one layout of a refusal that lists several mistakes, for workload files (zod's issues,
 * model/scenario/schema-issues.ts), topology files (model/platform/spec-issues.ts), parameter sets
 * (`--set`, a variant's `set`: workload-params.ts setsIssues) and a command's option values
 * (cli/parse-command.ts) alike: the first mistake as a single one would be said, each other on its
 * own line, indented, at its place.
 */

/**
 * Most issues one refusal lists: past this a file is likely the wrong kind of file altogether,
 * and the rest are counted (`and 4 more`), not listed.
 */
export const MAX_ISSUES_SHOWN = 10;

/**
 * One message of several issues, for a ConfigError at the first one's field: the first's message,
 * then each other on its own line, indented, at its place (`fieldOf` writes it: `w.json:
 * params.tenants[1].lpid`), at most MAX_ISSUES_SHOWN in all and then how many more.
 */
export function issuesMessage(
  issues: readonly { field: string; message: string }[],
  fieldOf: (field: string) => string,
): string {
  const [first, ...rest] = issues;
  const shownRest = rest.slice(0, MAX_ISSUES_SHOWN - 1);
  const lines = [
    first!.message,
    ...shownRest.map((i) => {
      const at = fieldOf(i.field);
      return `  ${at === '' ? '' : `${at}: `}${i.message}`;
    }),
  ];
  const more = rest.length - shownRest.length;
  if (more > 0) lines.push(`  and ${more} more`);
  return lines.join('\n');
}
