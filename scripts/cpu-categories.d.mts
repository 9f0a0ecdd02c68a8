// Types of scripts/cpu-categories.mjs (a plain script node runs as is), for its test.
export declare const CATEGORIES: readonly string[];
export declare function categoryOf(frames: readonly string[]): string;
export declare function samplesOf(script: string): string[][];
