import { describe, expect, it } from 'vitest';
import { normalizePatch } from '../../../src/evaluation/normalize-patch.ts';

/** A `git diff` of one text file (what a well-behaved model gives). */
const GOLD = [
  'diff --git a/src/math.js b/src/math.js',
  'index 3f2a1b0..9c4d2e1 100644',
  '--- a/src/math.js',
  '+++ b/src/math.js',
  '@@ -1,3 +1,3 @@',
  ' export function add(a, b) {',
  '-  return a - b;',
  '+  return a + b;',
  ' }',
  '',
].join('\n');

/** `git diff --binary` of a new PNG (real output). */
const BINARY = [
  'diff --git a/assets/logo.png b/assets/logo.png',
  'new file mode 100644',
  'index 0000000000000000000000000000000000000000..029ace0fcbb58feb758971feed0457fd34dbb60b',
  'GIT binary patch',
  'literal 16',
  'XcmeAS@N?(olHy`uVBq!ia0vnc8m<D~',
  '',
  'literal 0',
  'HcmV?d00001',
  '',
  '',
].join('\n');

/** `git diff` (without --binary) of the same PNG. */
const BINARY_DIFFER = 'diff --git a/assets/logo.png b/assets/logo.png\nnew file mode 100644\nindex 0000000..029ace0\nBinary files /dev/null and b/assets/logo.png differ\n';

describe('normalizePatch', () => {
  it('returns a clean git diff unchanged, without notes', () => {
    expect(normalizePatch(GOLD)).toEqual({ patch: GOLD, binaryHunksDropped: 0, notes: [] });
  });

  it('removes a markdown fence and the prose before and after it', () => {
    const text = `I found it: \`add\` subtracts.\n\n\`\`\`diff\n${GOLD}\`\`\`\n\nThis makes add return the sum.\n- It also fixes negatives.\n`;
    const res = normalizePatch(text);
    expect(res.patch).toBe(GOLD);
    expect(res.notes).toEqual([
      'removed 3 line(s) before the diff (prose or a markdown fence)',
      'removed 4 line(s) after the diff (prose, a markdown fence or blank lines)',
    ]);
  });

  it('removes a fence with a language other than diff, and a ~~~ fence', () => {
    expect(normalizePatch(`\`\`\`patch\n${GOLD}\`\`\``).patch).toBe(GOLD);
    expect(normalizePatch(`~~~\n${GOLD}~~~\n`).patch).toBe(GOLD);
  });

  it('adds exactly one missing final newline, and removes trailing blank lines', () => {
    expect(normalizePatch(GOLD.slice(0, -1))).toEqual({ patch: GOLD, binaryHunksDropped: 0, notes: ['added the missing final newline'] });
    expect(normalizePatch(`${GOLD}\n\n\n`).patch).toBe(GOLD);
  });

  it('keeps CRLF line endings inside hunks byte for byte (and a CRLF patch whole)', () => {
    const crlfHunks = GOLD.replace(/\n(?=[ +-] {2}return| \}\n$)/g, '\r\n').replace(/ \}\n$/, ' }\r\n');
    expect(crlfHunks).toContain('-  return a - b;\r\n+  return a + b;\r\n }\r\n');
    expect(normalizePatch(crlfHunks).patch).toBe(crlfHunks);
    const allCrlf = GOLD.replaceAll('\n', '\r\n');
    expect(normalizePatch(`Fix:\r\n\`\`\`diff\r\n${allCrlf}\`\`\`\r\n`).patch).toBe(allCrlf);
  });

  it('keeps "\\ No newline at end of file" markers, after a removed and an added line', () => {
    const patch = 'diff --git a/t.txt b/t.txt\n--- a/t.txt\n+++ b/t.txt\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+B\n\\ No newline at end of file\n';
    expect(normalizePatch(patch)).toEqual({ patch, binaryHunksDropped: 0, notes: [] });
    expect(normalizePatch(`\`\`\`diff\n${patch}\`\`\`\n`).patch).toBe(patch);
    expect(normalizePatch(patch.slice(0, -1)).patch).toBe(patch);
  });

  it.each([
    ['before', BINARY + GOLD],
    ['after', GOLD + BINARY],
  ])('drops a GIT binary patch entry (%s the text one) and counts it', (_where, text) => {
    expect(normalizePatch(text)).toEqual({ patch: GOLD, binaryHunksDropped: 1, notes: ['dropped the binary change to assets/logo.png (GIT binary patch)'] });
  });

  it('drops a "Binary files … differ" entry and counts it', () => {
    expect(normalizePatch(GOLD + BINARY_DIFFER)).toMatchObject({ patch: GOLD, binaryHunksDropped: 1 });
  });

  it('returns an empty patch for binary changes only', () => {
    expect(normalizePatch(BINARY + BINARY_DIFFER)).toMatchObject({ patch: '', binaryHunksDropped: 2 });
  });

  it('returns an empty patch, with a note, for text without a diff', () => {
    expect(normalizePatch('I could not reproduce the bug.\n```diff\n```\n')).toEqual({ patch: '', binaryHunksDropped: 0, notes: ['no unified diff found in the text (3 line(s))'] });
    expect(normalizePatch('@@ -1 +1 @@\n-a\n+b\n').patch).toBe('');
    expect(normalizePatch('')).toEqual({ patch: '', binaryHunksDropped: 0, notes: [] });
  });

  it('joins diffs given in several fences, dropping the prose between them', () => {
    const second = GOLD.replaceAll('src/math.js', 'src/other.js');
    const res = normalizePatch(`First:\n\`\`\`diff\n${GOLD}\`\`\`\nThen:\n\`\`\`diff\n${second}\`\`\`\n`);
    expect(res.patch).toBe(GOLD + second);
    expect(res.notes).toContain('removed 3 line(s) between file entries that are not part of a diff');
  });

  it('keeps one copy of a change pasted twice', () => {
    const res = normalizePatch(`${GOLD}\nAgain, the final diff:\n${GOLD}`);
    expect(res.patch).toBe(GOLD);
    expect(res.notes).toContain('removed a repeated copy of the change to src/math.js (line 12)');
  });

  it('reads plain ---/+++ diffs (no git header, timestamps after a tab)', () => {
    const plain = '--- src/math.js\t2024-01-01 00:00:00\n+++ src/math.js\t2024-01-02 00:00:00\n@@ -2 +2 @@\n-  return a - b;\n+  return a + b;\n';
    expect(normalizePatch(`Index: src/math.js\n===\n${plain}`).patch).toBe(plain);
  });

  it('keeps hunk lines that only look like fences or headers, as their counts say', () => {
    const md = 'diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,4 @@\n # Title\n--- old rule\n+```js\n+++ counter\n+```\n';
    expect(normalizePatch(md).patch).toBe(md);
  });

  it('keeps an empty line inside a hunk as an empty context line', () => {
    const patch = 'diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -1,3 +1,3 @@\n a\n\n-b\n+B\n';
    expect(normalizePatch(patch).patch).toBe(patch);
  });

  it('drops blank lines between two hunks of a file', () => {
    const h1 = 'diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -1 +1 @@\n-a\n+A\n';
    const h2 = '@@ -9 +9 @@\n-i\n+I\n';
    expect(normalizePatch(`${h1}\n${h2}`).patch).toBe(h1 + h2);
  });

  it('keeps lines past a hunk\'s counts as written (the model miscounted), with a note', () => {
    const patch = 'diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n+extra\n c\n';
    const res = normalizePatch(`${patch}\`\`\`\nDone.\n`);
    expect(res.patch).toBe(patch);
    expect(res.notes).toContain("2 line(s) after the hunk at line 4 go beyond the counts of its @@ header; kept as written");
  });

  it('removes email headers and the signature of a git format-patch', () => {
    const mail = `From 1234 Mon Sep 17 00:00:00 2001\nFrom: A <a@example.com>\nSubject: [PATCH] fix add\n\n---\n src/math.js | 2 +-\n\n${GOLD}-- \n2.39.5\n\n`;
    expect(normalizePatch(mail).patch).toBe(GOLD);
  });

  it('is idempotent', () => {
    for (const text of [GOLD, `x\n\`\`\`diff\n${GOLD}\`\`\`\ny`, BINARY + GOLD.slice(0, -1), GOLD.replaceAll('\n', '\r\n')]) {
      const once = normalizePatch(text).patch;
      expect(normalizePatch(once)).toEqual({ patch: once, binaryHunksDropped: 0, notes: [] });
    }
  });
});
