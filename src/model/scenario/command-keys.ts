/**
 * Keys users write into a workload (its fields or its `params`) that belong to the command that
 * runs it: what to do instead, said where the key is refused. A workload's `bugs` was hinted
 * towards `exposes[0].bug` (a field one level down), which only names the bugs a workload is built
 * to show and switches none on (QA): the run read clean, the bug never on.
 */
export const COMMAND_KEYS: Readonly<Record<string, string>> = {
  bugs: "a bug is switched on by the command, `--bug NAME` or `--profile as-shipped`, or by a variant's `profile`; a workload's `exposes` only names the bugs it is built to show",
  bug: "a bug is switched on by the command, `--bug NAME` or `--profile as-shipped`, or by a variant's `profile`; a workload's `exposes` only names the bugs it is built to show",
  seed: "the seed is the command's: `--seed N`, or a sweep's `--seeds 1..100`",
  profile: "the profile is the command's, `--profile NAME`, or a variant's `profile`",
};
