/**
 * The longest file name most Linux file systems take, in bytes (NAME_MAX): a name npusim makes
 * (a temporary twin, shrink's default `.shrunk.json`) is kept within it, or refused before a run.
 */
export const NAME_MAX = 255;
