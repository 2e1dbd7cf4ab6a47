// The container's private /tmp is a size-capped tmpfs (`--size`, bwrap ≥ 0.5): a command that fills
// it gets ENOSPC inside its sandbox, not the host's RAM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox, SANDBOX_TMPFS_BYTES, bwrapHasSize } from '../../../src/sandbox/bwrap.ts';
import { bwrapUsable } from './bwrap-usable.ts';

describe('bwrapHasSize', () => {
  it('knows --size from bubblewrap 0.5.0 on; an unreadable version is tried', () => {
    expect(bwrapHasSize('bubblewrap 0.8.0')).toBe(true);
    expect(bwrapHasSize('bubblewrap 0.5.0')).toBe(true);
    expect(bwrapHasSize('bubblewrap 0.4.1')).toBe(false);
    expect(bwrapHasSize('bubblewrap 1.0')).toBe(true);
    expect(bwrapHasSize(null)).toBe(true);
    expect(SANDBOX_TMPFS_BYTES).toBe(2 * 1024 ** 3);
  });
});

describe.runIf(bwrapUsable)('BwrapSandbox /tmp size', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'fixbench-bwrap-tmpfs-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('regression: /tmp is capped (it had no size: a command could fill the host\'s RAM)', async () => {
    const sandbox = new BwrapSandbox({ tmpfsBytes: 1024 * 1024 });
    try {
      const r = await sandbox.exec('dd if=/dev/zero of=/tmp/fill bs=64k count=64 2>&1; echo rc=$?; df -k /tmp | tail -1', { cwd, timeoutMs: 60_000 });
      expect(r.stdout).toMatch(/No space left on device/);
      expect(r.stdout).toMatch(/rc=1/);
    } finally {
      await sandbox.cleanup();
    }
  });
});
