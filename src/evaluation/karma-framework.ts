// The test framework karma runs a task's specs with, for its canaries (integrity.ts guardRun).
import { readSmallFile } from './report-file.ts';

/** Largest package.json read, bytes. */
const MAX_READ = 4 * 1024 * 1024;

/**
 * The framework karma runs the specs with, for its canaries: `karma` (jasmine specs: describe/it
 * and jasmine's global expect) when karma-jasmine is in `pkg` (package.json before the patch)
 * or installed in `dir`/node_modules, and karma-mocha is neither; `karma-mocha` (mocha specs:
 * describe/it or suite/test, an assertion that needs no chai) when karma-mocha is; null when
 * neither is (the run is then unprotected). With both, mocha's form is taken: its canaries
 * assert by throwing, which fails a spec under jasmine as well, and describe/it are both's.
 */
export async function karmaFramework(dir: string, pkg: unknown): Promise<'karma' | 'karma-mocha' | null> {
  const has = async (name: string): Promise<boolean> => dependsOn(pkg, name) || (await readSmallFile(dir, `node_modules/${name}/package.json`, MAX_READ)) !== null;
  if (await has('karma-mocha')) return 'karma-mocha';
  return (await has('karma-jasmine')) ? 'karma' : null;
}

/** Whether `pkg` (package.json, parsed) lists `name` in dependencies or devDependencies. */
function dependsOn(pkg: unknown, name: string): boolean {
  const p = pkg as { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> } | null;
  return typeof p?.dependencies?.[name] === 'string' || typeof p?.devDependencies?.[name] === 'string';
}
