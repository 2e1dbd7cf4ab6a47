// Which of test.patch's JS/TS files hold canaries (canary.ts planCanaries): a file that registers
// tests fixbench can read or writes a registering call by name gets them as planned; in a node:test
// task, a file node runs as a test file (node-test-files.ts: by the test command's file operands,
// else node's defaults) gets the synthetic pair even when fixbench
// reads no test of it (a table loop, functions from a helper module), so a file's tests never go
// without a canary only because they are registered in a way the parser does not follow. Reading
// only: nothing here runs the file.
import { posix } from 'node:path';
import { readTests } from './canary-parse.ts';
import { REGISTERS } from './canary-registers.ts';
import { nodeRunsAsTest } from './node-test-files.ts';

export { nodeTestFileName } from './node-test-files.ts';

/** A call of a registering function by its own name (`it(`, `specify(`, `context(`, …: canary-registers.ts REGISTERS). */
export const REGISTERING_CALL = new RegExp(`\\b(?:${[...REGISTERS].join('|')})\\s*\\(`);

/** The end of every `unhooked` reason for a file with no canary at all (cli/tasks-check.ts tells those from files lacking only a hook canary by it). */
export const NO_CANARY = 'so it has no canary at all';

/** The `unhooked` reason of a node:test file holding the synthetic pair only (canary.ts; cli/tasks-check.ts words its warning by it). */
export const SYNTHETIC_ONLY = 'no test of the file can be copied (synthetic canaries only), so none into a beforeEach hook either';

/** What planCanaries learns of a host file for skipHost. */
export interface HostOf {
  /** The file's runner (the task's, else the one it imports from: canary.ts runnerOfFile); null when none is known. */
  runner: string | null;
  /** The file itself imports node:test (canary.ts runnerOfFile). */
  importsNodeTest: boolean;
  /** The task's test command (for TypeScript loaders: `--import tsx`, `ts-node`). */
  testCmd: string;
  /** Every host file (repository-relative path → text), to tell a helper module another one loads. */
  hosts: ReadonlyMap<string, string>;
}

/**
 * Whether another of `hosts` loads `file` by a relative module name (`require('./harness')`,
 * `import … from '../test/harness.js'`, with or without its extension), read from the text: a
 * helper module, not a test file of its own.
 */
export function loadedByHost(file: string, hosts: ReadonlyMap<string, string>): boolean {
  const bare = file.replace(/\.[cm]?[jt]sx?$/, '');
  for (const [other, text] of hosts) {
    if (other === file) continue;
    for (const m of text.matchAll(/(['"`])(\.\.?\/[^'"`\n]*)\1/g)) {
      const target = posix.normalize(posix.join(posix.dirname(other), m[2]!));
      if (target === file || target.replace(/\.[cm]?[jt]sx?$/, '') === bare) return true;
    }
  }
  return false;
}

/**
 * Whether host file `file` (text `text`) is left out of the canaries. False (it gets canaries:
 * mutated, else the synthetic pair) when findTests reads a test of it under any runner, or its text
 * calls a registering function by name (REGISTERS), or, in a node:test task, node runs it as a test
 * file (nodeRunsAsTest, from the test command; with no readable test canary.ts gives it the synthetic
 * pair and an `unhooked` note; a file node runs is never a helper, even when another host loads it).
 * Otherwise: a file importing node:test itself that no other host loads (loadedByHost), why it has no canary (for the plan's `unhooked`, ending in NO_CANARY); else true
 * (a helper module, which node does not run as a test file).
 */
export function skipHost(file: string, text: string, host: HostOf): boolean | string {
  if (!host.runner) return true;
  if (readTests(file, text)?.length || REGISTERING_CALL.test(text)) return false;
  if (host.runner !== 'node:test') return true;
  if (nodeRunsAsTest(file, host.testCmd, /--(?:import|require|loader|experimental-loader)\b|(?:^|\s)-r\s|\btsx\b|\bts-node\b/.test(host.testCmd))) return false;
  return host.importsNodeTest && !loadedByHost(file, host.hosts) ? `it imports node:test but registers no test fixbench can read and is not a file node runs as a test file (by the test command's files, else *.test.js, test-*.js, test/**/*.js, …), ${NO_CANARY}` : true;
}
