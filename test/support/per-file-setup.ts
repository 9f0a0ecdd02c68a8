/**
 * Run before each test file (vitest.config.ts `setupFiles`), in its process, whether or not the
 * file shares that process with files before it (test/isolated-files.ts): the hooks a shared test
 * module needs once per file are registered here, where every file registers them again.
 */
import { afterAll } from 'vitest';
import { removeTestFailuresDir } from './failures-dir.js';

afterAll(() => removeTestFailuresDir());
