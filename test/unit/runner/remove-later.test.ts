// An attempt's folder is removed after its record, off the attempt's path (removeLater); the run's
// end (removeWorkRoot) waits for those removals, then removes the work folder: nothing is left.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeLater, removeWorkRoot } from '../../../src/runner/attempt.ts';

describe('removeLater / removeWorkRoot', () => {
  it('removes every attempt folder whose removal was started, then the work folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fixbench-remove-later-'));
    const dirs = [0, 1, 2].map((i) => {
      const d = join(root, `attempt-${i}`);
      for (let j = 0; j < 50; j++) {
        mkdirSync(join(d, `ws-${j}`, 'repo'), { recursive: true });
        writeFileSync(join(d, `ws-${j}`, 'repo', 'f.js'), 'x'.repeat(1000));
      }
      return d;
    });
    for (const d of dirs) removeLater(d);
    await removeWorkRoot(root);
    expect(dirs.some((d) => existsSync(d))).toBe(false);
    expect(existsSync(root)).toBe(false);
  });

  it('never throws for a folder that is already gone', async () => {
    const root = join(tmpdir(), `fixbench-remove-later-gone-${process.pid}`);
    removeLater(join(root, 'attempt'));
    await expect(removeWorkRoot(root)).resolves.toBeUndefined();
  });
});
