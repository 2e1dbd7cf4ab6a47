// Regression: a same-size edit made in the same second as the checkout must reach the patch even
// when the patch is extracted seconds later ("racy git": the temporary index copy must keep the
// index's mtime, or git trusts the stale cached stat and sees no change).
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import { gitRepo } from '../agents/harness.ts';

describe('extractPatch and racy git', () => {
  it('sees a same-size edit made in the checkout’s second, extracted in a later second', async () => {
    let checked = 0;
    for (let i = 0; i < 4 && checked < 2; i++) {
      const ws = await gitRepo({ 'greet.txt': 'hello\n' });
      try {
        const sec = Math.floor(Date.now() / 1000);
        writeFileSync(`${ws.dir}/greet.txt`, 'hullo\n'); // same size, same inode
        if (Math.floor(Date.now() / 1000) !== sec) continue; // crossed a second: not the racy case
        await new Promise((r) => setTimeout(r, 1100));
        const { patch } = await extractPatch(ws);
        expect(patch).toContain('+hullo');
        checked++;
      } finally {
        await ws.cleanup();
      }
    }
    expect(checked).toBeGreaterThan(0);
  }, 30_000);
});
