// A bench child script run on the compiled code users run: the child's TypeScript (e.g.
// bench/scale-child.ts) is compiled alone by esbuild, its imports of src/ rewritten to the same
// modules in dist/ (built by `npm run build`, one .js per source), so `node <out>` runs no tsx:
// no TypeScript loader in its time or memory, and the scan worker starts as built
// (dist/store/scan-worker.js).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Compiles `entry` (a .ts file under `root`/bench) to `outFile` (.mjs), with every relative import
 * that resolves into `root`/src replaced by its twin in `root`/dist (`.ts` → `.js`, as a file URL).
 * @throws Error when a src/ module imported has no dist/ twin (build first: `npm run build`), or esbuild's error.
 */
export async function compileBuiltChild(root: string, entry: string, outFile: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as typeof import('esbuild');
  const src = path.join(root, 'src') + path.sep;
  await esbuild.build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [
      {
        name: 'src-to-dist',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            const abs = path.resolve(args.resolveDir, args.path);
            if (!abs.startsWith(src)) return undefined; // bench's own helpers: bundled into the child
            const built = path.join(root, 'dist', path.relative(src, abs)).replace(/\.([cm]?)ts$/, '.$1js');
            if (!existsSync(built)) throw new Error(`${built}: not built; run \`npm run build\` in ${root}`);
            return { path: pathToFileURL(built).href, external: true };
          });
        },
      },
    ],
  });
}
