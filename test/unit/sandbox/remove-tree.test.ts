// Removing what an agent left (atkA): a folder chain deeper than PATH_MAX, folders made mode 000
// below any depth limit, names that are not UTF-8, links (never followed), and a report of what
// could not be removed instead of silence.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTree } from '../../../src/sandbox/attempt.ts';
import { removeTreeAt } from '../../../src/sandbox/remove-tree.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const fixture = 'test/fixtures/locked/deep-tree.mts';
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fixbench-remove-tree-'));
  chmodSync(root, 0o755); // reachable by the unprivileged user below
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Runs the deep-tree fixture (its own process: it changes folder), optionally as `nobody`. */
function deepTree(dir: string, depth: number, locked: number[], remove: boolean, asUser?: number): string {
  const node = [process.execPath, '--import', 'tsx', fixture, dir, String(depth), locked.join(','), remove ? 'remove' : ''];
  const [cmd, ...args] = asUser === undefined ? node : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', 'env', `HOME=${dir}`, ...node];
  return execFileSync(cmd!, args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

describe('removeTree / removeTreeAt', () => {
  it('regression (atkA): removes a folder chain deeper than PATH_MAX (fs.rm left it without an error)', async () => {
    const ws = mkdtempSync(join(root, 'deep-'));
    deepTree(ws, 1500, [], false);
    await removeTree(ws);
    expect(existsSync(ws)).toBe(false);
  });

  it('removes names that are not UTF-8, and a root that is a file or missing', async () => {
    const ws = mkdtempSync(join(root, 'names-'));
    const odd = Buffer.concat([Buffer.from(`${ws}/`), Buffer.from([0x66, 0xff, 0xfe])]);
    mkdirSync(odd);
    writeFileSync(Buffer.concat([odd, Buffer.from('/'), Buffer.from([0xc3, 0x28])]), 'x');
    expect(await removeTreeAt(ws)).toBeNull();
    expect(existsSync(ws)).toBe(false);
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(await removeTreeAt(file)).toBeNull();
    expect(existsSync(file)).toBe(false);
    expect(await removeTreeAt(join(root, 'missing'))).toBeNull();
  });

  it('never follows a link: a link to a folder outside, at the top or deep down, is removed and its target kept', async () => {
    const outside = mkdtempSync(join(root, 'outside-'));
    mkdirSync(join(outside, 'inner'));
    writeFileSync(join(outside, 'inner', 'keep'), 'k');
    const ws = mkdtempSync(join(root, 'ws-'));
    mkdirSync(join(ws, 'a/b/c'), { recursive: true });
    symlinkSync(outside, join(ws, 'top-link'));
    symlinkSync(join(outside, 'inner'), join(ws, 'a/b/c/deep-link'));
    symlinkSync(join(outside, 'inner', 'keep'), join(ws, 'a/file-link'));
    expect(await removeTreeAt(ws)).toBeNull();
    expect(existsSync(ws)).toBe(false);
    expect(readdirSync(join(outside, 'inner'))).toEqual(['keep']);
    const link = join(root, 'root-link');
    symlinkSync(outside, link); // a root that is itself a link: the link goes, not the target
    expect(await removeTreeAt(link)).toBeNull();
    expect(existsSync(join(outside, 'inner', 'keep'))).toBe(true);
  });
});

// Root ignores modes, so locked folders and what cannot be removed are tried as nobody.
const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
describe.runIf(asNobody)('as an unprivileged user', () => {
  it('regression (atkA): removes a chain with folders made mode 000 below 512 levels (the restore stopped there)', () => {
    const parent = mkdtempSync(join(root, 'nobody-deep-'));
    const ws = join(parent, 'ws');
    mkdirSync(ws);
    execFileSync('chown', ['-R', '65534:65534', parent]); // nobody may remove ws itself
    const out = deepTree(ws, 1200, [3, 700, 1100], true, 65534);
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ left: false });
    expect(existsSync(ws)).toBe(false);
  });

  it('reports what it cannot remove instead of staying silent', async () => {
    const ws = mkdtempSync(join(root, 'nobody-left-'));
    mkdirSync(join(ws, 'sub/theirs'), { recursive: true });
    writeFileSync(join(ws, 'sub/theirs/f'), 'x'); // root's folder: nobody cannot empty it
    execFileSync('chown', ['-R', '65534:65534', ws]);
    chownSync(join(ws, 'sub/theirs'), 0, 0);
    const script = `import('${join(repoRoot, 'src/sandbox/remove-tree.ts')}').then(async (m) => console.log(JSON.stringify(await m.removeTreeAt(${JSON.stringify(ws)}))))`;
    const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out.trim())).toBe(`${ws}: 3 entries not removed (first: EACCES)`);
    expect(existsSync(join(ws, 'sub/theirs/f'))).toBe(true); // root's folder cannot be moved nor emptied by nobody
  });
});
