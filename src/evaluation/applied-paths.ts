// The backstop after a model patch is applied (DESIGN.md §6 step 2, §11 rules 2–3): whatever the
// application strategies did, every file the apply created, changed or deleted is checked where it
// really is — inside the checkout, and not a protected file — before the hidden tests run.
import { gitFailure } from '../workspace/git.ts';
import { hostGit, type HostRepo } from '../workspace/host-git.ts';
import { resolveInCheckout } from './checkout-links.ts';
import { sameAsBase } from './nofollow-fs.ts';
import type { Protection } from './protected-files.ts';

/**
 * The ignored paths of the checkout right after setup (`git status --ignored=matching`: a folder
 * ignored as a whole is one path ending in `/`, e.g. `node_modules/`), the baseline
 * `appliedPathViolations` compares with. Throws `InfraError` when git fails.
 */
export async function ignoredAfterSetup(repo: HostRepo): Promise<Set<string>> {
  return new Set((await statusEntries(repo, 'listing the ignored files after setup')).filter(([c]) => c === '!!').map(([, p]) => p));
}

/** `[status code, path]` of every path `git status` lists (untracked files one by one, ignored ones as git's `matching` mode groups them). */
async function statusEntries(repo: HostRepo, what: string): Promise<[string, string][]> {
  let status: string;
  try {
    status = await hostGit(repo).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching', '--ignore-submodules=all', '--no-renames']);
  } catch (err) {
    throw gitFailure(`${what} in ${repo.dir}`, err);
  }
  return status.split('\0').filter((r) => r.length > 3).map((r) => [r.slice(0, 2), r.slice(3)]);
}

/**
 * What the applied patch did that it may not have, one sentence each (empty when nothing), read
 * after the protected files were restored (protected-files.ts `restoreProtected`):
 * - every path `git status` lists against the state after setup (host git: modified, deleted,
 *   type-changed and untracked files, every untracked file listed, and every ignored path not in
 *   `ignoredBefore` (`ignoredAfterSetup`), a newly ignored folder file by file: the ignore rules
 *   are read from the patched tree, so a planted `test/.gitignore` of `*` must hide nothing, atkA7) is
 *   protected by `p.rule` and not at its base_commit state (`p.base`; a file setup changed and
 *   the restore put back counts as at base): the patch's entries naming protected files were
 *   dropped and the files restored, so one left here came in by another way (through a link, or a
 *   name an applier read elsewhere); or it is a link whose target is protected or out of the checkout;
 * - every path in `named` (those the applied patch's headers name) now runs through a link among
 *   its folders, or resolves out of the checkout or to a protected file through links.
 * Links are resolved with `lstat`/`readlink` (`resolveInCheckout`), never followed by an open.
 * Every `.gitignore`/`.gitattributes` is itself protected (protected-rule.ts: the patch's entries
 * for one are dropped, one written another way is named here), and every ignored path not there
 * after setup is checked, so ignore rules hide nothing from this check but new files inside a
 * folder ignored as a whole after setup (e.g. `node_modules/`; a protected file there goes unseen).
 * One `git status` process (plus one `git ls-files` per newly ignored folder). Throws `InfraError` when git fails.
 */
export async function appliedPathViolations(repo: HostRepo, p: Pick<Protection, 'rule' | 'base'>, named: readonly string[], ignoredBefore: ReadonlySet<string>): Promise<string[]> {
  const rule = p.rule;
  const listed: string[] = [];
  for (const [code, path] of await statusEntries(repo, 'listing what the model patch changed')) {
    if (code !== '!!') listed.push(path);
    else if (ignoredBefore.has(path)) continue;
    else if (!path.endsWith('/')) listed.push(path);
    else {
      // A folder that is ignored as a whole now but was not after setup: each file in it (ignore rules not applied).
      const files = await hostGit(repo).raw(['ls-files', '-o', '-z', '--', path]).catch((err: unknown) => { throw gitFailure(`listing ${path} in ${repo.dir}`, err); });
      listed.push(...files.split('\0').filter(Boolean));
    }
  }
  const out: string[] = [];
  for (const path of [...new Set(listed)].sort()) {
    const why = rule.reason(path);
    const base = p.base.get(path);
    if (why !== null && !(base && (await sameAsBase(repo.dir, path, base)))) {
      out.push(`${JSON.stringify(path)} is a protected file (${why}) the patch's entries did not name`);
      continue;
    }
    const r = await resolveInCheckout(repo.dir, path);
    if (!r.inside) out.push(`${JSON.stringify(path)} leads out of the checkout through ${JSON.stringify(r.links.at(-1))}`);
    else if (r.rel !== path && rule.reason(r.rel!) !== null) out.push(`${JSON.stringify(path)} is a link to ${JSON.stringify(r.rel)}, a protected file`);
  }
  for (const path of [...new Set(named)].sort()) {
    const r = await resolveInCheckout(repo.dir, path);
    const folderLink = r.links.find((l) => path.startsWith(`${l}/`));
    if (!r.inside) out.push(`the patch's path ${JSON.stringify(path)} leads out of the checkout through ${JSON.stringify(r.links.at(-1))}`);
    else if (folderLink !== undefined) out.push(`the patch's path ${JSON.stringify(path)} runs through ${JSON.stringify(folderLink)}, a symlink, to ${JSON.stringify(r.rel)}`);
    else if (r.rel !== path && rule.reason(r.rel!) !== null) out.push(`the patch's path ${JSON.stringify(path)} is a link to ${JSON.stringify(r.rel)}, a protected file`);
  }
  return out;
}
