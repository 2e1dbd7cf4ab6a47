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

/**
 * The command's words, split at blanks outside quotes, with the quotes removed; a redirection
 * (`2>&1`, `>&2`, `&>`, `2>`, `<`) and a shell operator (`&&`, `;`, `|`, …) are words of their own.
 */
function words(cmd: string): string[] {
  return [...cmd.matchAll(/\d*[<>]+(?:&\d*-?)?|&>+|&&|\|\||[;|&]|(?:"[^"]*"|'[^']*'|[^\s;|&<>"'])+/g)].map((m) => m[0].replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
}

/** Words a command may start with before the program it runs (`timeout 300 node …`, `env X=1 node …`). */
const WRAPPERS = /^(?:timeout|time|env|nice|nohup|exec|command|stdbuf|ionice|xvfb-run|\{|\()$/;

/** node's options known to take no value: a word after one is an operand for sure. */
const NO_VALUE = new Set([
  '--test', '--test-only', '--test-force-exit', '--experimental-test-coverage', '--experimental-test-module-mocks', '--experimental-test-snapshots',
  '--enable-source-maps', '--no-warnings', '--trace-warnings', '--trace-uncaught', '--expose-gc', '--preserve-symlinks', '--experimental-vm-modules',
  '--experimental-strip-types', '--experimental-transform-types', '--experimental-detect-module', '--no-experimental-detect-module', '--watch', '--abort-on-uncaught-exception',
]);

/**
 * The file operands of the task's `node … --test …` invocation (repository-relative, `./` removed,
 * in order; flags and the values of TAKES_VALUE flags and shell redirections left out): `[]` when it
 * has none (node's defaults apply), null when the command has no `node --test` invocation fixbench
 * can read (`npm test`, a script, an empty command).
 */
export function nodeTestOperands(cmd: string): string[] | null {
  return invocation(cmd)?.operands ?? null;
}

/**
 * nodeTestOperands' reading, with `doubtful`: some operand follows a flag of node's not known to take
 * no value and written without `=` (`--dns-result-order ipv4first`): it may be that flag's value.
 */
function invocation(cmd: string): { operands: string[]; doubtful: boolean } | null {
  const all = words(cmd);
  const operator = (w: string): boolean => /^(?:&&|\|\||[;|&])$/.test(w);
  for (let i = 0; i < all.length; i++) {
    if (!/^(?:.*\/)?node$/.test(all[i]!)) continue;
    // `node` as the segment's program: after an operator, `VAR=x`, or a wrapper (`timeout 300`, `env`)
    let k = i - 1;
    while (k >= 0 && !operator(all[k]!) && !WRAPPERS.test(all[k]!) && (/^\w+=/.test(all[k]!) || /^-|^\d+[smhd]?$/.test(all[k]!))) k--;
    if (k >= 0 && !operator(all[k]!) && !WRAPPERS.test(all[k]!)) continue;
    const operands: string[] = [];
    let test = false;
    let doubtful = false;
    for (let j = i + 1; j < all.length && !operator(all[j]!); j++) {
      const w = all[j]!;
      if (w === '--test') test = true;
      else if (/^(?:\d*[<>]|&>)/.test(w)) { if (!/&\d*-?$/.test(w) || /^&>/.test(w)) j++; } // a redirection and its target (none after `2>&1`)
      else if (w.startsWith('-')) { if (TAKES_VALUE.has(w)) j++; }
      else {
        const before = all[j - 1]!;
        if (before.startsWith('-') && !before.includes('=') && !NO_VALUE.has(before)) doubtful = true;
        // the shell makes something else of it: a substitution, a variable, `~`, an escape; or a path outside the repository
        if (/[$`~\\()]/.test(w) || w.startsWith('/')) doubtful = true;
        operands.push(posix.normalize(w).replace(/\/$/, ''));
      }
    }
    if (test) return { operands, doubtful };
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
  const read = invocation(testCmd);
  const operands = read?.operands ?? null;
  const byDefault = (f: string): boolean => nodeTestFileName(f, ts) || (underTestDir(f) && new RegExp(`\\.[cm]?${ts ? '[jt]' : 'j'}s$`).test(f));
  // unreadable: by name, and node's defaults too when a `--test` word is there (`env -u X node --test`, `bash -c "node --test"`)
  if (operands === null) return nodeTestFileName(file, ts) || (/(?:^|[\s"'])--test(?:[\s"']|$)/.test(testCmd) && byDefault(file));
  // no operand, or one that may be an unknown flag's value (`--dns-result-order ipv4first`): node's
  // defaults too, failing towards more canaries, never fewer
  if (operands.length === 0 || read!.doubtful) {
    if (byDefault(file)) return true;
  }
  return operands.some((op) => {
    if (op === file) return true;
    if (picomatch.scan(op).isGlob) return picomatch(op)(file);
    return (op === '.' || file.startsWith(`${op}/`)) && byDefault(file); // a directory operand
  });
}
