// Which files `node --test` runs as test files, from the task's test command (canary-host.ts skipHost):
// the invocation's file operands when it has any (a path, a directory, or a shell glob, which the
// sandbox's shell expands), else node 20's defaults. Reading only: nothing here runs the command.
import { posix } from 'node:path';
import picomatch from 'picomatch';

/** node's options that take their value as the next word (`--import tsx`, `-r x`); the `--opt=value` form needs none. */
const TAKES_VALUE = new Set([
  '--test-reporter', '--test-reporter-destination', '--test-name-pattern', '--test-skip-pattern', '--test-concurrency',
  '--test-timeout', '--test-shard', '--test-coverage-include', '--test-coverage-exclude', '--import', '--require', '-r',
  '--loader', '--experimental-loader', '--conditions', '-C', '--env-file', '--input-type', '--experimental-default-type',
  '--watch-path', '--inspect-port', '--title', '--redirect-warnings', '--diagnostic-dir', '--report-dir', '--cpu-prof-dir',
  '--heap-prof-dir', '--icu-data-dir', '--openssl-config', '--disable-warning', '--experimental-config-file',
]);

/** The command's words, split at blanks outside quotes, with the quotes removed; a shell operator (`&&`, `;`, `|`, …) is a word of its own. */
function words(cmd: string): string[] {
  return [...cmd.matchAll(/&&|\|\||[;|&]|(?:"[^"]*"|'[^']*'|[^\s;|&"'])+/g)].map((m) => m[0].replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
}

/**
 * The file operands of the task's `node … --test …` invocation (repository-relative, `./` removed,
 * in order; flags and the values of TAKES_VALUE flags and shell redirections left out): `[]` when it
 * has none (node's defaults apply), null when the command has no `node --test` invocation fixbench
 * can read (`npm test`, a script, an empty command).
 */
export function nodeTestOperands(cmd: string): string[] | null {
  const all = words(cmd);
  for (let i = 0; i < all.length; i++) {
    if (!/^(?:.*\/)?node$/.test(all[i]!) || (i > 0 && !/^(?:&&|\|\||[;|&])$/.test(all[i - 1]!) && !/^\w+=/.test(all[i - 1]!))) continue;
    const operands: string[] = [];
    let test = false;
    for (let j = i + 1; j < all.length && !/^(?:&&|\|\||[;|&])$/.test(all[j]!); j++) {
      const w = all[j]!;
      if (w === '--test') test = true;
      else if (/^\d*[<>]/.test(w)) { if (/^\d*[<>]&?$/.test(w)) j++; } // a redirection and its target
      else if (w.startsWith('-')) { if (TAKES_VALUE.has(w)) j++; }
      else operands.push(posix.normalize(w).replace(/\/$/, ''));
    }
    if (test) return operands;
  }
  return null;
}

/** A path under a directory named `test` (not under node_modules): node 20's rule that every .js/.cjs/.mjs file there is a test file. */
function underTestDir(file: string): boolean {
  const dirs = posix.dirname(file).split('/');
  return dirs.includes('test') && !dirs.includes('node_modules');
}

/**
 * Whether node 20's test runner with no file operands takes `file` (repository-relative) for a test
 * file by its name (node's documented defaults: `*.test.*`, `*-test.*`, `*_test.*`, `test-*`,
 * `test.*`), with the extension `.js`, `.cjs` or `.mjs`, or `.ts`, `.cts` or `.mts` when `ts` (the
 * task's test command loads TypeScript).
 */
export function nodeTestFileName(file: string, ts: boolean): boolean {
  return new RegExp(`^(?:.+[.\\-_]test|test-.+|test)\\.[cm]?${ts ? '[jt]' : 'j'}s$`).test(posix.basename(file));
}

/**
 * Whether `node --test` runs `file` (repository-relative) as a test file, given the task's test
 * command `testCmd` (nodeTestOperands): with operands, when the file is one, lies under one (a
 * directory: node's defaults inside), or matches one as a
 * shell glob (picomatch); with none, node's defaults (nodeTestFileName, or a .js/.cjs/.mjs file, or
 * with `ts` a TypeScript one, under a `test` directory); with an unreadable command, by name only
 * (nodeTestFileName).
 */
export function nodeRunsAsTest(file: string, testCmd: string, ts: boolean): boolean {
  const operands = nodeTestOperands(testCmd);
  const byDefault = (f: string): boolean => nodeTestFileName(f, ts) || (underTestDir(f) && new RegExp(`\\.[cm]?${ts ? '[jt]' : 'j'}s$`).test(f));
  if (operands === null) return nodeTestFileName(file, ts);
  if (operands.length === 0) return byDefault(file);
  return operands.some((op) => {
    if (op === file) return true;
    if (picomatch.scan(op).isGlob) return picomatch(op)(file);
    return (op === '.' || file.startsWith(`${op}/`)) && byDefault(file); // a directory operand
  });
}
