// Several processes taking one run lock at once (test/fixtures/lock/take-lock.mts): the intervals
// they held it must never overlap.
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { ROOT } from './cli.ts';

/** The fixture that takes `<dir>/run.lock` at a given moment and prints `OK <taken ms> <released ms>`. */
export const TAKE_LOCK = path.join(ROOT, 'test', 'fixtures', 'lock', 'take-lock.mts');

/**
 * Starts `count` processes of `TAKE_LOCK` on `dir`, all taking the lock 1.5 s from now (past their
 * start-up), and expects at least one to have held it and no two to have held it at once.
 */
export async function expectOneHolderAtATime(dir: string, count = 4): Promise<void> {
  const startAt = Date.now() + 1500;
  const outs = await Promise.all(Array.from({ length: count }, () => execa(process.execPath, ['--import', 'tsx', TAKE_LOCK, dir, String(startAt)], { cwd: ROOT })));
  const held = outs.map((o) => o.stdout.trim()).filter((l) => l.startsWith('OK')).map((l) => l.split(' ').slice(1).map(Number) as [number, number]);
  expect(held.length).toBeGreaterThanOrEqual(1);
  held.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < held.length; i++) expect(held[i]![0]).toBeGreaterThanOrEqual(held[i - 1]![1]); // no overlap
}
