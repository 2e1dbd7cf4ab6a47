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
export function shellWords(cmd: string): string[] {
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
 * in order; flags and the values of TAKES_VALUE flags and shell redirections left out; joined with
 * the folder a `cd test && …` before node runs it in, `folderOfWord`; relative to an unknown folder
 * when that `cd` cannot be read): `[]` when it has none (node's defaults apply), null when the
 * command has no `node --test` invocation fixbench can read (`npm test`, a script, an empty command).
 */
export function nodeTestOperands(cmd: string): string[] | null {
  return invocation(cmd)?.operands ?? null;
}

/** Whether word `i` of `all` (shellWords) is the program its segment runs: first, or after an operator, `VAR=x`, or a wrapper (`timeout 300`, `env`). */
export function isProgram(all: readonly string[], i: number): boolean {
  const operator = (w: string): boolean => /^(?:&&|\|\||[;|&])$/.test(w);
  let k = i - 1;
  while (k >= 0 && !operator(all[k]!) && !WRAPPERS.test(all[k]!) && (/^\w+=/.test(all[k]!) || /^-|^\d+[smhd]?$/.test(all[k]!))) k--;
  return k < 0 || operator(all[k]!) || WRAPPERS.test(all[k]!);
}

/** A shell word that changes the shell's folder, or opens a subshell or group that may. */
const CHANGES_FOLDER = /^[({]*(?:cd|pushd|popd)$/;

/**
 * The folder (repository-relative, `.` for the root) the shell runs the program of word `i` of
 * `all` (shellWords) in:
 * the one `cd <dir>` or `pushd <dir>` before it, a command of its own (first in the command or after
 * `&&` or `;`, followed by `&&` or `;`), with a plain relative `<dir>` inside the repository; `.`
 * with none. Null (some folder, unknown) for any other folder change before it: several, one in a
 * subshell or group, `cd -`, `cd` alone, a `<dir>` the shell expands (`$DIR`, `$(…)`, `~`, a glob)
 * or outside the repository (absolute, `..`).
 */
export function folderOfWord(all: string[], i: number): string | null {
  const changes = all.slice(0, i).flatMap((w, k) => (CHANGES_FOLDER.test(w) ? [k] : []));
  if (changes.length === 0) return '.';
  const k = changes[0]!;
  const dir = all[k + 1];
  if (changes.length > 1 || !/^(?:cd|pushd)$/.test(all[k]!) || all.slice(0, k).some((w) => /^[({]/.test(w))) return null;
  if ((k > 0 && !/^(?:&&|;)$/.test(all[k - 1]!)) || !/^(?:&&|;)$/.test(all[k + 2] ?? '')) return null;
  if (dir === undefined || /^-|^\/|[$`~\\()*?[\]{}]/.test(dir)) return null;
  const folder = posix.normalize(dir).replace(/\/$/, '');
  return folder === '..' || folder.startsWith('../') ? null : folder;
}

/**
 * nodeTestOperands' reading, with `doubtful`: some operand follows a flag of node's not known to take
 * no value and written without `=` (`--dns-result-order ipv4first`): it may be that flag's value; or
 * is one the shell makes something else of; or node runs in a folder that cannot be read (`folder`
 * null: folderOfWord). `folder`: where node runs, `.` for the repository's root.
 */
function invocation(cmd: string): { operands: string[]; doubtful: boolean; folder: string | null } | null {
  const all = shellWords(cmd);
  const operator = (w: string): boolean => /^(?:&&|\|\||[;|&])$/.test(w);
  for (let i = 0; i < all.length; i++) {
    if (!/^(?:.*\/)?node$/.test(all[i]!) || !isProgram(all, i)) continue;
    const operands: string[] = [];
    const folder = folderOfWord(all, i);
    let test = false;
    let doubtful = folder === null;
    for (let j = i + 1; j < all.length && !operator(all[j]!); j++) {
      const w = all[j]!.includes('(') ? all[j]! : all[j]!.replace(/\)+$/, ''); // `(cd test && node --test a.js)`: the subshell's end is no part of the word
      if (w === '--test') test = true;
      else if (/^(?:\d*[<>]|&>)/.test(w)) { if (!/&\d*-?$/.test(w) || /^&>/.test(w)) j++; } // a redirection and its target (none after `2>&1`)
      else if (w.startsWith('-')) { if (TAKES_VALUE.has(w)) j++; }
      else {
        const before = all[j - 1]!;
        if (before.startsWith('-') && !before.includes('=') && !NO_VALUE.has(before)) doubtful = true;
        // the shell makes something else of it: a substitution, a variable, `~`, an escape; or a path outside the repository
        if (/[$`~\\()]/.test(w) || w.startsWith('/')) doubtful = true;
        const op = posix.normalize(posix.join(folder ?? '.', w)).replace(/\/$/, '');
        if (op === '..' || op.startsWith('../')) doubtful = true; // outside the repository
        operands.push(op);
      }
    }
    if (test) return { operands, doubtful, folder };
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

/** Whether `testCmd` has node load TypeScript (a loader or `-r` hook, tsx, ts-node): `.ts` test files then count as node's (nodeRunsAsTest `ts`). */
export const loadsTypeScript = (testCmd: string): boolean => /--(?:import|require|loader|experimental-loader)\b|(?:^|\s)-r\s|\btsx\b|\bts-node\b/.test(testCmd);

/**
 * Whether `node --test` runs `file` (repository-relative) as a test file, given the task's test
 * command `testCmd` (nodeTestOperands): with operands, when the file is one, lies under one (a
 * directory: node's defaults inside), or matches one as a shell glob (picomatch); with none, node's
 * defaults (nodeTestFileName, or a .js/.cjs/.mjs file, or with `ts` a TypeScript one, under a `test`
 * directory) inside the folder node runs in (`cd test && node --test`: folderOfWord; every such file
 * below it when that folder is itself named `test`, as node 20 does); with an
 * unreadable command, by name only (nodeTestFileName). A doubtful reading adds node's defaults
 * anywhere; one whose folder is unknown (`cd "$DIR" && …`) matches the operands against every tail
 * of `file`'s path (`test/a.js`, `a.js`): whatever the folder was, failing towards more canaries.
 */
export function nodeRunsAsTest(file: string, testCmd: string, ts: boolean): boolean {
  const read = invocation(testCmd);
  const script = new RegExp(`\\.[cm]?${ts ? '[jt]' : 'j'}s$`);
  const byDefault = (f: string): boolean => nodeTestFileName(f, ts) || (underTestDir(f) && script.test(f));
  // unreadable: by name, and node's defaults too when a `--test` word is there (`env -u X node --test`, `bash -c "node --test"`)
  if (read === null) return nodeTestFileName(file, ts) || (/(?:^|[\s"'])--test(?:[\s"']|$)/.test(testCmd) && byDefault(file));
  const { operands, doubtful, folder } = read;
  const under = (dir: string, f: string): boolean => dir === '.' || f.startsWith(`${dir}/`);
  // one that may be an unknown flag's value (`--dns-result-order ipv4first`), or an unknown folder:
  // node's defaults anywhere, failing towards more canaries, never fewer
  if (doubtful && byDefault(file)) return true;
  // none: node's defaults, relative to the folder node runs in
  // (node 20 runs every .js/.cjs/.mjs below a working folder named `test`: its `test/**/*` pattern matches that folder itself, atkA19 #1)
  if (operands.length === 0) {
    if (folder === null || folder === '.') return byDefault(file);
    const rel = file.slice(folder.length + 1);
    return under(folder, file) && (byDefault(rel) || (posix.basename(folder) === 'test' && underTestDir(`test/${rel}`) && script.test(rel)));
  }
  const parts = file.split('/');
  const paths = folder === null ? parts.map((_, k) => parts.slice(k).join('/')) : [file];
  return operands.some((given) => {
    const op = folder === null ? given.replace(/^(?:\.\.\/)+/, '') : given;
    return paths.some((f) => {
      if (op === f) return true;
      if (picomatch.scan(op).isGlob) return picomatch(op)(f);
      return under(op, f) && byDefault(file); // a directory operand
    });
  });
}
