// A full disk cuts a write short without an error (write(2) returns fewer bytes): a record or a
// ledger line so cut must never be taken as stored. Run for real on a 64 KiB tmpfs mounted in a
// user and mount namespace of its own (`unshare -rm`), by test/fixtures/store/full-disk.mts.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.ts';

describe('appends on a file system that fills up', () => {
  it('every record whose append resolved is read back; a ledger line cut short is taken back, so the ledger stays readable', async () => {
    const script = `set -e; m=$(mktemp -d); mount -t tmpfs -o size=64k tmpfs "$m"; exec "$0" --import tsx test/fixtures/store/full-disk.mts "$m"`;
    const r = await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath], { cwd: ROOT });
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { resolved: string[]; stored: string[]; ledgerThrew: number; ledgerLines?: number; ledgerError?: string };
    // the disk did fill: not every record fitted
    expect(out.resolved.length).toBeGreaterThan(0);
    expect(out.resolved.length).toBeLessThan(12);
    expect(out.stored).toEqual(out.resolved);
    expect(out.ledgerThrew).toBeGreaterThan(0);
    expect(out.ledgerError).toBeUndefined();
    // the first line, the lines that were written whole, and the one after the space came back
    expect(out.ledgerLines).toBe(1 + (38 - out.ledgerThrew) + 1);
  }, 60_000);

  it("a ledger write that fails on a full disk never takes back a billed line appended meanwhile", async () => {
    const script = `set -e; m=$(mktemp -d); mount -t tmpfs -o size=64k tmpfs "$m"; exec "$0" --import tsx test/fixtures/store/ledger-interleave.mts "$m"`;
    const r = await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath], { cwd: ROOT, env: { ...process.env, UV_THREADPOOL_SIZE: '1' } });
    expect(r.stdout).toMatch(/X write failed: ENOSPC/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('HELD');
  }, 60_000);
});
