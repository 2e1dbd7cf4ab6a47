import { describe, expect, it } from 'vitest';
import { diffFiles, unquote } from '../../../src/evaluation/diff-files.ts';

describe('diffFiles', () => {
  it.each([
    [
      'a git modification',
      'diff --git a/src/a.js b/src/a.js\nindex 1111111..2222222 100644\n--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-x\n+y\n',
      [{ oldPath: 'src/a.js', newPath: 'src/a.js' }],
    ],
    [
      'a created file',
      'diff --git a/t/new.test.js b/t/new.test.js\nnew file mode 100644\nindex 0000000..3333333\n--- /dev/null\n+++ b/t/new.test.js\n@@ -0,0 +1 @@\n+ok\n',
      [{ oldPath: null, newPath: 't/new.test.js' }],
    ],
    [
      'a deleted file',
      'diff --git a/old.js b/old.js\ndeleted file mode 100644\nindex 3333333..0000000\n--- a/old.js\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n',
      [{ oldPath: 'old.js', newPath: null }],
    ],
    ['an empty new file (no ---/+++ lines)', 'diff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\n', [{ oldPath: null, newPath: 'empty' }]],
    ['a rename', 'diff --git a/x.js b/y.js\nsimilarity index 100%\nrename from x.js\nrename to y.js\n', [{ oldPath: 'x.js', newPath: 'y.js' }]],
    ['a binary change', 'diff --git a/img.png b/img.png\nindex 1..2 100644\nBinary files a/img.png and b/img.png differ\n', [{ oldPath: 'img.png', newPath: 'img.png' }]],
    ['a path with spaces', 'diff --git a/my dir/f.txt b/my dir/f.txt\n--- a/my dir/f.txt\n+++ b/my dir/f.txt\n@@ -1 +1 @@\n-a\n+b\n', [{ oldPath: 'my dir/f.txt', newPath: 'my dir/f.txt' }]],
    [
      'a quoted non-ASCII path',
      'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"\nnew file mode 100644\n--- /dev/null\n+++ "b/caf\\303\\251.txt"\n@@ -0,0 +1 @@\n+x\n',
      [{ oldPath: null, newPath: 'café.txt' }],
    ],
    [
      'a plain (non-git) diff with timestamps',
      '--- a/lib.c\t2024-01-01 00:00:00\n+++ b/lib.c\t2024-01-02 00:00:00\n@@ -1 +1 @@\n-a\n+b\n--- /dev/null\n+++ b/added.c\n@@ -0,0 +1 @@\n+c\n',
      [{ oldPath: 'lib.c', newPath: 'lib.c' }, { oldPath: null, newPath: 'added.c' }],
    ],
    [
      'hunk lines that look like headers (removed "-- x", added "++ y")',
      'diff --git a/q.sql b/q.sql\n--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n--- comment\n+++ other\n keep\ndiff --git a/r.txt b/r.txt\n--- a/r.txt\n+++ b/r.txt\n@@ -1 +1 @@\n-a\n+b\n',
      [{ oldPath: 'q.sql', newPath: 'q.sql' }, { oldPath: 'r.txt', newPath: 'r.txt' }],
    ],
    [
      'a CR-only blank context line, then hunk lines that look like headers (atkC7)',
      'diff --git a/src/a.js b/src/a.js\r\n--- a/src/a.js\r\n+++ b/src/a.js\r\n@@ -1,4 +1,4 @@\r\n l1\r\n\r\n--- a/test/t.test.js\r\n++++ b/test/t.test.js\r\n l4\r\n',
      [{ oldPath: 'src/a.js', newPath: 'src/a.js' }],
    ],
    ['CRLF header lines', 'diff --git a/w.txt b/w.txt\r\n--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n', [{ oldPath: 'w.txt', newPath: 'w.txt' }]],
  ])('reads %s', (_what, patch, expected) => {
    expect(diffFiles(patch)).toEqual(expected);
  });
});

describe('unquote', () => {
  it('decodes octal bytes as UTF-8 and C escapes', () => {
    expect(unquote('"a/\\303\\251\\t\\"q\\"\\\\"')).toBe('a/é\t"q"\\');
  });
  it('leaves unquoted text alone', () => {
    expect(unquote('plain/path')).toBe('plain/path');
  });
});
