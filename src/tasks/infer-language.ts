// The `language` of a created task (task.yaml), from the repository at the base commit (read with
// git, never run): typescript when a tsconfig.json is at the root, package.json depends on
// typescript, or the fix's source files are mostly .ts/.tsx/.mts/.cts; javascript for any other
// package.json; else from the fix's file extensions (python, go), or none.
import path from 'node:path';
import { gitAt, gitTry } from '../workspace/git.ts';

const TS = new Set(['.ts', '.tsx', '.mts', '.cts']);
const JS = new Set(['.js', '.jsx', '.mjs', '.cjs']);

/**
 * `language` for task.yaml: `typescript`, `javascript`, `python`, `go`, or undefined when nothing
 * says. `mirror`: git folder holding `base`; `files`: paths the fix changes (gold.patch).
 */
export async function inferLanguage(mirror: string, base: string, files: readonly string[]): Promise<string | undefined> {
  const git = gitAt(mirror);
  const exts = files.map((f) => path.extname(f).toLowerCase());
  const ts = exts.filter((e) => TS.has(e)).length;
  const js = exts.filter((e) => JS.has(e)).length;
  const shown = await gitTry(git, ['show', `${base}:package.json`]);
  if (shown.ok) {
    let pkg: { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> } = {};
    try {
      pkg = JSON.parse(shown.output) as typeof pkg;
    } catch {
      pkg = {};
    }
    const tsconfig = (await gitTry(git, ['cat-file', '-e', `${base}:tsconfig.json`])).ok;
    const dependsOnTs = Boolean(pkg?.devDependencies?.typescript ?? pkg?.dependencies?.typescript);
    if (ts > js || (ts > 0 && (tsconfig || dependsOnTs)) || (js === 0 && (tsconfig || dependsOnTs))) return 'typescript';
    return 'javascript';
  }
  if (ts || js) return ts > js ? 'typescript' : 'javascript';
  if (exts.includes('.py')) return 'python';
  if (exts.includes('.go')) return 'go';
  return undefined;
}
