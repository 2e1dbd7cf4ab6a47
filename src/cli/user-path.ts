// Paths in the commands the CLI prints for the user to type: named so they work from the folder the
// user's shell is in, which is not fixbench's working folder when npm started it elsewhere.
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';

/**
 * The folder the user's shell is in: npm's `INIT_CWD` when set (`npm start`, `npm run`, `npx` run
 * scripts at the package root and name the folder they were typed in there), else `cwd`.
 */
const userFolder = (env: NodeJS.ProcessEnv, cwd: string): string => path.resolve(cwd, env.INIT_CWD ?? cwd);

/**
 * `p`, a path fixbench resolved against its working folder `cwd` (a flag's value as given), as a
 * printed command should name it: as given when the user's shell is in `cwd`, else absolute (e.g.
 * `npm start -- --results res` typed in a subfolder of the clone: fixbench wrote `<clone>/res`).
 */
export function userPath(p: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return userFolder(env, cwd) === path.resolve(cwd) ? p : path.resolve(cwd, p);
}

/**
 * `rel`, a file of fixbench's own package (`examples/fake-provider/prices.yaml`), as a printed
 * command should name it: as written when the user's shell is in the package root (the clone),
 * else absolute (a subfolder, another project fixbench is installed in, anywhere else).
 */
export function packagePath(rel: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), root: string = PACKAGE_ROOT): string {
  return userFolder(env, cwd) === path.resolve(root) ? rel : path.resolve(root, rel);
}
