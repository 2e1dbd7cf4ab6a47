import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { gitAt, resetWorkspaceGitConfig } from '../../src/workspace/git.ts';
const cache = new RepoCache({ tasksDir: 'tasks', cacheDir: '/tmp/i9cache' });
const sha = '4d7787763496ed084936a0200931d5d09330efde';
const mirror = await cache.mirror('js-duration', { commit: sha });
for (let k = 0; k < 3; k++) {
  const root = mkdtempSync('/tmp/i9ws-'); const dir = path.join(root, 'r'); mkdirSync(dir);
  const git = gitAt(dir);
  const t: [string, number][] = []; let s = performance.now();
  const mark = (n: string) => { const e = performance.now(); t.push([n, Math.round(e - s)]); s = e; };
  await cache.mirror('js-duration', { commit: sha }); mark('mirror-check');
  await git.raw(['init', '--quiet', '--initial-branch=main']); mark('init');
  await resetWorkspaceGitConfig(dir); mark('config');
  await git.raw(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', mirror, sha]); mark('fetch');
  await git.raw(['update-ref', 'refs/heads/main', sha]); mark('update-ref');
  await git.raw(['reset', '--quiet', '--hard', sha]); mark('reset');
  await git.raw(['rev-parse', 'HEAD']); mark('rev-parse');
  execFileSync('git', ['-C', dir, 'status', '--short']); mark('raw git status (execFileSync)');
  console.log(JSON.stringify(t));
  rmSync(root, { recursive: true });
}
