// A JS/TS test file may read the running test's name through a local module it imports (atkD21 A:
// `import { currentName } from './helpers/name.js'`, whose function reads
// `expect.getState().currentTestName`): any test of the file may call it, so a canary copy, under a
// new title, could run otherwise than its original and an honest patch read `tampered`. The hosts
// reaching such a module get no copy (canary.ts `planCanaries`' `named`: the synthetic pair), as a
// file reading the name itself gets none (canary-parse.ts).
import { extname, posix } from 'node:path';
import { NAME_GLOBAL } from './canary-own-name.ts';

/** Relative module specifiers written in a JS/TS text (`from './x'`, `import './x'`, `require('./x')`, `import('./x')`, `export … from`), by text: in comments and strings too (more reads, never fewer). */
export const RELATIVE = /(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*(['"`])(\.{1,2}(?:\/[^'"`\n]*)?)\1/g;

/** Most modules read behind one host (its local imports, theirs, …): beyond it the rest are left unread. */
export const MAX_MODULES = 64;

const JS_EXT = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** What a written extension may stand for under TypeScript's resolution (`./x.js` is `./x.ts` on disk). */
const SWAP: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** Repository-relative files relative specifier `spec` of `file` may load (with every extension it may stand for, an index file); none outside the repository. */
export function candidatesOf(file: string, spec: string): string[] {
  const to = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/(.)\/+$/, '$1');
  if (to === '..' || to.startsWith('../') || posix.isAbsolute(to)) return [];
  const ext = extname(to);
  const stem = to.slice(0, to.length - ext.length);
  if (JS_EXT.includes(ext)) return [to, ...(SWAP[ext] ?? []).map((e) => stem + e)];
  return [to, ...JS_EXT.map((e) => to + e), ...JS_EXT.map((e) => `${to === '.' ? '' : `${to}/`}index${e}`)];
}

/**
 * The files of `hosts` (JS/TS test files, path → text) that reach, through relative imports
 * followed from module to module, a local module whose text reads the running test's name
 * (canary-own-name.ts `NAME_GLOBAL`: `expect.getState()`, `currentTestName`, `getCurrentTest`,
 * `test.info()`), up to MAX_MODULES modules read per host. `read` gives a repository-relative file's
 * text, null when absent (a read that throws counts as absent); each file is read once. integrity.ts
 * reads base_commit's text of a file the patch changed (canary-listed-hosts.ts `baseTextOf`): a patch
 * cannot plant such a read in code under test to keep the hosts from being copied, except in a
 * module new at base_commit that a test imports.
 */
export async function hostsNamedByImports(hosts: ReadonlyMap<string, string>, read: (file: string) => Promise<string | null>): Promise<Set<string>> {
  const texts = new Map<string, Promise<string | null>>();
  const textOf = (f: string): Promise<string | null> => {
    let t = texts.get(f);
    if (!t) {
      t = read(f).catch(() => null);
      texts.set(f, t);
    }
    return t;
  };
  const specs = (text: string): string[] => [...text.matchAll(RELATIVE)].map((m) => m[2]!);
  const out = new Set<string>();
  for (const [host, text] of hosts) {
    if (!JS_EXT.includes(extname(host))) continue;
    const seen = new Set<string>([host]);
    let modules = 0;
    let queue = specs(text).flatMap((s) => candidatesOf(host, s));
    search: while (queue.length) {
      const next: string[] = [];
      for (const f of queue) {
        if (seen.has(f) || modules >= MAX_MODULES) continue;
        seen.add(f);
        const t = await textOf(f);
        if (t === null) continue;
        modules++;
        if (NAME_GLOBAL.test(t)) {
          out.add(host);
          break search;
        }
        next.push(...specs(t).flatMap((s) => candidatesOf(f, s)));
      }
      queue = next;
    }
  }
  return out;
}
