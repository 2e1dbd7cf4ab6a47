import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { resolveRoots } from '../../../src/sandbox/roots.ts';
import type { SandboxBackend } from '../../../src/sandbox/types.ts';

describe.each([
  ['local', (roots: string[]) => new LocalSandbox({ roots })],
  ['bwrap', (roots: string[]) => new BwrapSandbox({ roots })],
] as const)('%s sandbox: read and write stay inside its roots', (_kind, make) => {
  let base: string;
  let root: string;
  let outside: string;
  let sandbox: SandboxBackend;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'fixbench-roots-test-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    mkdirSync(join(root, 'ws'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(root, 'ws', 'link-out'));
    sandbox = make([root]);
  });
  afterAll(async () => {
    await sandbox.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  it('writes (making parent folders) and reads back the exact bytes inside a root', async () => {
    const file = join(root, 'ws', 'deep', 'f.bin');
    await sandbox.write(file, Buffer.from([0xff, 0x00, 0x0d, 0x0a]));
    expect([...(await sandbox.read(file))]).toEqual([0xff, 0x00, 0x0d, 0x0a]);
    await sandbox.write(file, 'é\n');
    expect((await sandbox.read(file)).toString('utf8')).toBe('é\n');
  });

  it('refuses paths outside its roots with a clear error', async () => {
    for (const path of [join(outside, 'secret.txt'), join(root, '..', 'outside', 'secret.txt'), root, '/etc/passwd']) {
      const err = await sandbox.read(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InfraError);
      expect((err as Error).message).toMatch(/outside the sandbox's roots/);
    }
    await expect(sandbox.write(join(outside, 'new.txt'), 'x')).rejects.toThrow(/outside the sandbox's roots/);
    await expect(sandbox.read('relative.txt')).rejects.toBeInstanceOf(InfraError);
  });

  it('refuses a path that escapes through a symlink, for reading and for writing', async () => {
    await expect(sandbox.read(join(root, 'ws', 'link-out', 'secret.txt'))).rejects.toThrow(/outside the sandbox's roots \(/);
    await expect(sandbox.write(join(root, 'ws', 'link-out', 'secret.txt'), 'pwned')).rejects.toBeInstanceOf(InfraError);
    await expect(sandbox.write(join(root, 'ws', 'link-out', 'new', 'f.txt'), 'pwned')).rejects.toBeInstanceOf(InfraError);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('throws InfraError for a missing file', async () => {
    await expect(sandbox.read(join(root, 'ws', 'missing.txt'))).rejects.toThrow(/could not read/);
  });
});

describe('resolveRoots', () => {
  it('defaults to the OS temp folder, where the runner makes its workspaces', () => {
    expect(resolveRoots(undefined)).toHaveLength(1);
  });

  it('refuses "/", relative and missing roots', () => {
    expect(() => resolveRoots(['/'])).toThrow(InfraError);
    expect(() => resolveRoots(['tmp'])).toThrow(/absolute/);
    expect(() => resolveRoots([join(tmpdir(), 'fixbench-no-such-root-x9')])).toThrow(InfraError);
  });
});
