#!/usr/bin/env node
/**
 * The `npusim` executable (package.json bin: dist/src/cli/main.js). All logic is in run-cli.ts;
 * this file only binds it to the process, and ends through process.exitCode so that output is
 * flushed and the event loop drains (no hard exit in the middle of output).
 */
import { runCli } from './run-cli.js';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `npusim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 4;
  },
);
