// A model patch that floods the checkout (atkP11 6) is the model's fault, `patch_failed`, before any
// checkout: patch-size.ts counts files, folders and depth from the file headers.
import { describe, expect, it } from 'vitest';
import { MAX_PATCH_FILES, MAX_PATCH_FOLDERS, MAX_PATH_DEPTH, patchSizeProblem } from '../../../src/evaluation/patch-size.ts';

const add = (p: string) => `diff --git a/${p} b/${p}\nnew file mode 100644\n--- /dev/null\n+++ b/${p}\n@@ -0,0 +1 @@\n+x\n`;

describe('patchSizeProblem', () => {
  it('accepts an ordinary fix and a large vendored folder', () => {
    expect(patchSizeProblem(add('src/a.js') + add('test/a.test.js'))).toBeNull();
    expect(patchSizeProblem(Array.from({ length: 2000 }, (_, i) => add(`vendor/lib/m${i % 50}/f${i}.js`)).join(''))).toBeNull();
    expect(patchSizeProblem(add(Array.from({ length: MAX_PATH_DEPTH - 1 }, () => 'd').join('/') + '/x.js'))).toBeNull();
  });

  it('refuses too many files, too many folders, or a path too deep, naming the limit', () => {
    expect(patchSizeProblem(Array.from({ length: MAX_PATCH_FILES + 1 }, (_, i) => add(`f${i}.js`)).join(''))).toMatch(new RegExp(`touches ${MAX_PATCH_FILES + 1} files, more than ${MAX_PATCH_FILES}`));
    // 20,000 entries as 1,001 ten-folder chains: few files, many folders (the wide flood)
    expect(patchSizeProblem(Array.from({ length: 1001 }, (_, i) => add(`c${i}/a/b/c/d/e/f/g/h/i/x.py`)).join(''))).toMatch(new RegExp(`in 10010 folders, more than ${MAX_PATCH_FOLDERS}`));
    expect(patchSizeProblem(add(Array.from({ length: 1800 }, () => 'd').join('/') + '/x.py'))).toMatch(/a path 1801 components deep .*more than 48/);
  });
});
