import { describe, expect, it } from 'vitest';
import { dropUnsafeEntries, parseGitMode, splitEntries } from '../../../src/evaluation/unsafe-entries.ts';

const SAFE = 'diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-a\n+b\n';
const create = (path: string, body = 'x'): string => `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+${body}\n`;
const plain = (path: string): string => `--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-a\n+b\n`;
const link = (path: string, target: string): string =>
  `diff --git a/${path} b/${path}\nnew file mode 120000\nindex 0000000..1111111\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+${target}\n\\ No newline at end of file\n`;

describe('dropUnsafeEntries', () => {
  it('keeps a patch of ordinary entries byte for byte', () => {
    const patch = SAFE + create('src/new-file.js') + plain('lib/x.txt') + link('docs/link', '../src/a.js') + create('"q"\\x');
    expect(dropUnsafeEntries(patch)).toEqual({ patch: patch.replaceAll('a/"q"\\x', '"a/\\"q\\"\\\\x"').replaceAll('b/"q"\\x', '"b/\\"q\\"\\\\x"'), unsafeEntriesDropped: 0, notes: [] });
  });

  it('regression atkA7: rewrites every name line from one reading (quoted, timestamps kept, a/ b/ prefixes), so git apply and GNU patch read the same', () => {
    const spaced = `diff --git a/src/new file.js b/src/new file.js\nnew file mode 100644\n--- /dev/null\n+++ b/src/new file.js\n@@ -0,0 +1 @@\n+x\n`;
    expect(dropUnsafeEntries(spaced).patch).toBe(spaced.replaceAll('a/src/new file.js', '"a/src/new file.js"').replaceAll('b/src/new file.js', '"b/src/new file.js"'));
    const stamped = '--- orig/lib/x.txt\t2024-01-01 10:00:00\n+++ "new/lib\\057x.txt"\t2024-01-02\nIndex: test/x.js\n@@ -1 +1 @@\n-a\n+b\n*** test/x.js\n';
    expect(dropUnsafeEntries(stamped)).toEqual({ patch: '--- a/lib/x.txt\t2024-01-01 10:00:00\n+++ b/lib/x.txt\t2024-01-02\n@@ -1 +1 @@\n-a\n+b\n', unsafeEntriesDropped: 0, notes: [] });
  });

  it.each([
    ['a name after two blanks (GNU patch skips them and unquotes, git reads them)', '--- /dev/null\n+++  "b/test\\057aa\\056test\\056js"\n@@ -0,0 +1 @@\n+x\n', /starting with a blank/],
    ['a "diff --git" line naming another file than "+++"', 'diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/test/a.test.js\n@@ -1 +1 @@\n-a\n+b\n', /different new files/],
    ['"---" and "+++" naming different files without a rename', '--- a/src/a.js\n+++ b/test/a.test.js\n@@ -1 +1 @@\n-a\n+b\n', /different files without a rename/],
    ['a "+++" line after its hunk (GNU patch takes the name for the "@@" hunk after it)', '--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-a\n+b\n+++ b/test/evil.test.js\n@@ -0,0 +1 @@\n+x\n', /outside its hunks/],
    ['a quoted name not closed', '--- /dev/null\n+++ "b/x\n@@ -0,0 +1 @@\n+x\n', /not closed/],
    ['a name with no prefix folder', '--- /dev/null\n+++ x.js\n@@ -0,0 +1 @@\n+x\n', /no prefix folder/],
    ['a component over 255 bytes (ENAMETOOLONG would be the model\'s failure, never infra_error)', create('x'.repeat(300)), /component over 255 bytes/],
    ['a path over 3840 bytes', create(`${'d'.repeat(200)}/`.repeat(20) + 'f'), /path over 3840 bytes/],
  ])('regression atkA7: drops an entry with %s', (_name, entry, why) => {
    const res = dropUnsafeEntries(SAFE + entry);
    expect(res).toMatchObject({ patch: SAFE, unsafeEntriesDropped: 1 });
    expect(res.notes[0]).toMatch(why);
  });

  it.each([
    ['.git/config (git style)', create('.git/config', '[filter "evil"]')],
    ['.GIT/config in another case', create('.GIT/config')],
    ['a nested .Git folder', create('vendor/.Git/hooks/pre-commit')],
    ['.git/config as a plain ---/+++ entry (what patch --fuzz would read)', plain('.git/config')],
    ['a C-quoted path hiding .git', 'diff --git "a/.g\\151t/config" "b/.g\\151t/config"\nnew file mode 100644\n--- /dev/null\n+++ "b/.g\\151t/config"\n@@ -0,0 +1 @@\n+x\n'],
    ['.. in the path', create('src/../../outside.txt')],
    ['an absolute path after the prefix', '--- a//etc/passwd\n+++ b//etc/passwd\n@@ -1 +1 @@\n-a\n+b\n'],
    ['a rename into .git', 'diff --git a/src/a.js b/.git/config\nsimilarity index 100%\nrename from src/a.js\nrename to .git/config\n'],
    ['a symlink to an absolute path', link('out', '/home/user/.ssh')],
    ['a symlink climbing out of the workspace', link('src/out', '../../..')],
    ['a symlink climbing after descending (could pass through another link)', link('x', 'sub/../../y')],
    ['a symlink into .git', link('cfg', '.git/config')],
  ])('drops %s, counts and names it, and keeps the rest', (_name, entry) => {
    const res = dropUnsafeEntries(SAFE + entry + create('lib/y.txt'));
    expect(res.patch).toBe(SAFE + create('lib/y.txt'));
    expect(res.unsafeEntriesDropped).toBe(1);
    expect(res.notes).toHaveLength(1);
    expect(res.notes[0]).toMatch(/^dropped the change to /);
  });

  it('drops a symlink whose target the patch does not show (a mode change alone)', () => {
    const res = dropUnsafeEntries('diff --git a/l b/l\nold mode 100644\nnew mode 120000\n');
    expect(res).toMatchObject({ patch: '', unsafeEntriesDropped: 1 });
    expect(res.notes[0]).toMatch(/target the patch does not show/);
  });

  // git reads a mode with strtoul(…, 8): leading zeros, blanks, a sign and a trailing blank still make a link.
  it.each([
    ['0120000', 'new file mode 0120000'],
    ['a trailing space', 'new file mode 120000 '],
    ['a trailing tab', 'new file mode 120000\t'],
    ['leading blanks and a plus sign', 'new file mode  +120000'],
    ['permission bits set', 'new file mode 120777'],
    ['zeros before the index line mode', 'index 0000000..1111111 000120000'],
  ])('drops an absolute symlink whose mode line has %s', (_name, modeLine) => {
    const entry = `diff --git a/out b/out\n${modeLine}\n--- /dev/null\n+++ b/out\n@@ -0,0 +1 @@\n+/root\n\\ No newline at end of file\n`;
    expect(dropUnsafeEntries(SAFE + entry)).toMatchObject({ patch: SAFE, unsafeEntriesDropped: 1 });
  });

  it('keeps a file whose mode only looks like a link to a regex (100644 with zeros, or a mode git rejects)', () => {
    const file = (mode: string) => `diff --git a/f b/f\nnew file mode ${mode}\n--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+/root\n`;
    for (const mode of ['0100644', '100755 ', '1200009']) expect(dropUnsafeEntries(file(mode)).unsafeEntriesDropped).toBe(0);
  });

  it('is empty when every entry is unsafe', () => {
    expect(dropUnsafeEntries(create('.git/hooks/post-checkout') + create('.git/config'))).toMatchObject({ patch: '', unsafeEntriesDropped: 2 });
  });
});

describe('entries through a link the patch makes (atkD)', () => {
  const indexLink = (path: string, target: string): string =>
    `diff --git a/${path} b/${path}\nindex 0000000..1111111 120000\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+${target}\n\\ No newline at end of file\n`;
  it('regression: drops a file written under a link another entry makes (GNU patch follows it), whatever the order', () => {
    for (const l of [link('m', 'test'), indexLink('m', 'test')]) {
      for (const patch of [l + create('m/zz-helper.js'), create('m/zz-helper.js') + l]) {
        const res = dropUnsafeEntries(SAFE + patch);
        expect(res.patch).toBe(SAFE + l);
        expect(res.notes).toEqual(['dropped the change to "m/zz-helper.js": its path runs through "m", a symlink this patch makes']);
      }
    }
  });
  it('regression: drops a link made through a link (l -> ., then l/q -> ..: q would point out of the tree)', () => {
    const res = dropUnsafeEntries(link('l', '.') + link('l/q', '..'));
    expect(res).toMatchObject({ patch: link('l', '.'), unsafeEntriesDropped: 1 });
  });
  it('keeps a file beside a link, and a link whose name only starts like another entry', () => {
    const patch = link('m', 'src') + create('m2/x.js') + create('src/x.js');
    expect(dropUnsafeEntries(patch)).toEqual({ patch, unsafeEntriesDropped: 0, notes: [] });
  });
});

describe('splitEntries', () => {
  it('splits git and plain entries, reading hunk bodies by their counts (a "--- " line inside a hunk is a removed line)', () => {
    const tricky = '--- a/f\n+++ b/f\n@@ -1,2 +1,1 @@\n--- not a header\n ctx\n';
    expect(splitEntries(SAFE + tricky + create('n.txt'))).toEqual([SAFE, tricky, create('n.txt')]);
  });
});

describe('parseGitMode', () => {
  it('reads octal like strtoul(…, 8) followed by a blank or the end, else null', () => {
    expect(parseGitMode('120000')).toBe(0o120000n);
    expect(parseGitMode('0120000')).toBe(0o120000n);
    expect(parseGitMode(' 100644 junk')).toBe(0o100644n);
    expect(parseGitMode('-1')).toBe(0xffffffffffffffffn);
    expect(parseGitMode('')).toBeNull();
    expect(parseGitMode('12x')).toBeNull();
    expect(parseGitMode('1208')).toBeNull();
  });
});
