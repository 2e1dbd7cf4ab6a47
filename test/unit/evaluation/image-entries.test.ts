// Image-only binary entries of test.patch are dropped (as SWE-bench's evaluation skips them);
// every other entry, binary or not, is kept byte for byte.
import { describe, expect, it } from 'vitest';
import { dropImageOnlyBinaryEntries } from '../../../src/evaluation/image-entries.ts';

const text = 'diff --git a/t/a.test.js b/t/a.test.js\nindex 1111111..2222222 100644\n--- a/t/a.test.js\n+++ b/t/a.test.js\n@@ -1 +1 @@\n-x\n+y\n';
const image = (p: string) => `diff --git a/${p} b/${p}\nnew file mode 100644\nindex 0000000..3333333\nBinary files /dev/null and b/${p} differ\n`;
const changed = 'diff --git a/t/shot.PNG b/t/shot.PNG\nindex 4444444..5555555 100644\nBinary files a/t/shot.PNG and b/t/shot.PNG differ\n';

describe('dropImageOnlyBinaryEntries', () => {
  it('drops image-only entries (added or changed) with a note and keeps the rest byte for byte', () => {
    const r = dropImageOnlyBinaryEntries(`${image('t/fixtures/chart.png')}${text}${changed}`);
    expect(r.patch).toBe(text);
    expect(r.dropped).toEqual(['t/fixtures/chart.png', 't/shot.PNG']);
    expect(r.notes[0]).toMatch(/dropped the image-only binary entry for t\/fixtures\/chart\.png/);
  });
  it('keeps binary entries that are not images, and image entries that carry data', () => {
    const other = image('t/data.bin');
    const withData = 'diff --git a/t/x.png b/t/x.png\nnew file mode 100644\nindex 0000000..6666666\nGIT binary patch\nliteral 3\nKcmZ?wbhF\n\nliteral 0\nHcmV?d00001\n\n';
    for (const p of [other, withData, text]) expect(dropImageOnlyBinaryEntries(p)).toEqual({ patch: p, dropped: [], notes: [] });
  });
});
