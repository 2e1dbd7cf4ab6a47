// pytest's configuration inside shared files (atkS10 #8): pytest reads `[tool:pytest]` of a
// `setup.cfg` and `[tool.pytest.ini_options]` / `[tool.pytest]` of a `pyproject.toml`, in any
// folder it takes as its rootdir (the test paths' ancestors). A patch that adds or changes that
// configuration (`addopts = -p plugin`) decides how tests run, like package.json's runner keys.
// Such a file is put back to base as a whole when its pytest part differs (see `pytestPart`);
// the patch's edits elsewhere in it are kept only when its pytest part is untouched.
import { basename } from 'node:path/posix';
import type { Protection } from './protected-files.ts';
import { lstatOrNull, readNoFollow, removeNoFollow, sameAsBase, writeNoFollow } from './nofollow-fs.ts';

/** The file names whose pytest part is protected (any depth). */
export const PYTEST_SHARED_CONFIGS = ['setup.cfg', 'pyproject.toml'] as const;

/** Whether `path` (repository-relative) is a file whose pytest part is protected. */
export function isPytestSharedConfig(path: string): boolean {
  return (PYTEST_SHARED_CONFIGS as readonly string[]).includes(basename(path));
}

// Python's str.splitlines() boundaries (iniconfig splits a file's text with it).
const PY_LINES = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
// A line iniconfig certainly takes as a section header: `[` in column 0, a name without comment
// characters, `]`, then only blanks or a comment (iniconfig cuts at `#`/`;`, then needs a final `]`).
const INI_HEADER = /^\[([^#;]*)\][ \t]*(?:[#;].*)?$/;

/**
 * The part of a configuration file's text that can configure pytest, compared between base and
 * the patched file (equal parts: pytest reads the same configuration). Errs on the side of too
 * much, never too little:
 * - `setup.cfg`: the lines of every section whose header mentions `pytest` (any case), from that
 *   header up to the next line that iniconfig (pytest's reader) certainly takes as another
 *   section's header; null when there is none.
 * - `pyproject.toml`: the whole text when it mentions `pytest` (any case) or holds a `\u`, `\U`
 *   or `\x` escape (a quoted key can spell `pytest` with one), else null. TOML spreads a table
 *   over dotted keys, inline tables, quoted and escaped keys and multi-line strings: a hand-made
 *   section reader would risk reading it otherwise than Python's tomllib, and no TOML parser is
 *   installed, so the file is judged whole.
 * Pure; `text` is the file decoded as UTF-8.
 */
export function pytestPart(name: 'setup.cfg' | 'pyproject.toml', text: string): string | null {
  if (name === 'pyproject.toml') return /pytest|\\[uUx]/i.test(text) ? text : null;
  const kept: string[] = [];
  let inside = false;
  for (const line of text.split(PY_LINES)) {
    const mentions = /pytest/i.test(line);
    if (mentions && /^[\s\uFEFF]*\[/.test(line)) inside = true;
    else if (inside && INI_HEADER.test(line)) inside = false;
    if (inside) kept.push(line);
  }
  return kept.length ? kept.join('\n') : null;
}

/**
 * After the model's patch is applied: every `setup.cfg` / `pyproject.toml` of the base tree or
 * named in `alsoCheck` whose pytest part differs from base's is put back to base as a whole
 * (removed when it is not in the base tree); anything other than a regular file there (or a
 * changed link) counts as differing. Files `protected_files.allow` names are left alone. Returns the paths restored,
 * sorted. `readBase(id)` gives a base blob's bytes (throws `InfraError` when git fails).
 */
export async function restorePytestConfig(
  dir: string,
  p: Protection,
  alsoCheck: readonly string[],
  readBase: (id: string) => Promise<Buffer>,
): Promise<string[]> {
  const edited: string[] = [];
  const paths = new Set([...p.base.keys(), ...alsoCheck].filter((x) => isPytestSharedConfig(x) && !p.rule.allowed(x)));
  for (const path of [...paths].sort()) {
    const base = p.base.get(path);
    if (base && (await sameAsBase(dir, path, base))) continue;
    const st = await lstatOrNull(dir, path);
    if (!st && !base) continue;
    const name = basename(path) as 'setup.cfg' | 'pyproject.toml';
    if (base?.mode === '160000') continue; // a submodule: not checked out
    const baseBytes = base ? await readBase(base.id) : null;
    if (st?.isFile() && base?.mode !== '120000') {
      const now = await readNoFollow(dir, path);
      const was = baseBytes ? pytestPart(name, baseBytes.toString('utf8')) : null;
      if (pytestPart(name, now.toString('utf8')) === was) continue;
    }
    if (base?.mode === '120000') await writeNoFollow(dir, path, Buffer.alloc(0), 0o644, baseBytes!.toString('utf8'));
    else if (baseBytes) await writeNoFollow(dir, path, baseBytes, base!.mode === '100755' ? 0o755 : 0o644);
    else await removeNoFollow(dir, path);
    edited.push(path);
  }
  return edited;
}
