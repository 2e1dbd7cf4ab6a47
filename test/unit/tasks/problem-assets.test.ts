// problem_assets/: checked by lint and at load (types by their bytes, size cap, safe names, no
// links, declared files present), mapped to the statement's URLs, and carried through import/export.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTask } from '../../../src/tasks/load.ts';
import { lintTaskFiles } from '../../../src/tasks/lint.ts';
import { localizeStatement, MAX_ASSET_BYTES, scanProblemAssets, sniffImage } from '../../../src/tasks/problem-assets.ts';
import { keepPublishedFiles, writePublishedFolder } from '../../../src/tasks/swe-folder.ts';
import type { TaskSpec } from '../../../src/config/task.ts';

const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const URL_0 = 'https://user-images.githubusercontent.com/1/abc.png';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-assets-'));
});
afterEach(() => rm(tmp, { recursive: true, force: true }));

const diff = (file: string) => `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-a\n+b\n`;

/** A sound task folder `t` plus `extraYaml` lines and the given asset files (path → bytes). */
async function task(assets: Record<string, Buffer | string>, extraYaml = ''): Promise<string> {
  const dir = path.join(tmp, 't');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'task.yaml'), `instance_id: t\nrepo: r\nbase_commit: ${'a'.repeat(40)}\ntest_cmd: x\ntest_report: tap\nFAIL_TO_PASS: [a]\n${extraYaml}`);
  await writeFile(path.join(dir, 'problem_statement.md'), `Broken, see ![shot](${URL_0})\n`);
  await writeFile(path.join(dir, 'gold.patch'), diff('src/a.js'));
  await writeFile(path.join(dir, 'test.patch'), diff('test/a.test.js'));
  for (const [rel, bytes] of Object.entries(assets)) {
    await mkdir(path.dirname(path.join(dir, 'problem_assets', rel)), { recursive: true });
    await writeFile(path.join(dir, 'problem_assets', rel), bytes);
  }
  return dir;
}

const lines = async (dir: string) => (await lintTaskFiles(dir)).problems.map((p) => `${path.relative(dir, p.file)}|${p.field}|${p.message}`);

describe('problem_assets: lint and load', () => {
  it('a sound folder (images and other attachments) lints clean; SWE-bench image_assets URLs map to the published <i>-<name> files', async () => {
    const dir = await task({ '0-abc.png': PNG_HEAD, 'codepen.io/demo.js': 'x()\n', '1-anim.gif': GIF }, `swe_bench:\n  image_assets:\n    problem_statement: ['${URL_0}', 'https://h/missing.png']\n`);
    expect(await lines(dir)).toEqual([]);
    const t = await loadTask(dir);
    const { assets } = await scanProblemAssets(t);
    expect(assets.map((a) => [a.file, a.media_type, a.url ?? null])).toEqual([
      ['0-abc.png', 'image/png', URL_0],
      ['1-anim.gif', 'image/gif', null],
      ['codepen.io/demo.js', null, null],
    ]);
    expect(localizeStatement(t.problem_statement, assets)).toBe('Broken, see ![shot](problem_assets/0-abc.png)\n');
  });

  it('a file named as an image that is not one is an error naming it', async () => {
    const dir = await task({ 'shot.png': 'this is text, not a PNG\n' });
    expect(await lines(dir)).toEqual(['problem_assets/shot.png|null|is named as an image but is not a PNG, JPEG, GIF or WebP image (by its first bytes); convert it, or remove it']);
    await expect(loadTask(dir)).rejects.toThrow(/problem_assets\/shot\.png: is named as an image but is not/);
  });

  it('an asset over the 5 MiB cap is an error naming it and the cap', async () => {
    const dir = await task({ 'big.png': Buffer.concat([PNG_HEAD, Buffer.alloc(MAX_ASSET_BYTES)]) });
    expect(await lines(dir)).toEqual([`problem_assets/big.png|null|is ${MAX_ASSET_BYTES + 16} bytes (5.00 MiB); a problem asset is at most 5242880 bytes (5 MiB, the largest image a provider accepts); shrink or crop it`]);
  });

  it('a declared file with a path leaving problem_assets/ is refused, and nothing outside is read', async () => {
    await writeFile(path.join(tmp, 'secret.png'), PNG_HEAD);
    const dir = await task({ 'a.png': PNG_HEAD }, "problem_assets:\n  - { file: ../../secret.png, url: 'https://h/s.png' }\n  - { file: /etc/passwd }\n");
    expect(await lines(dir)).toEqual([
      'task.yaml|problem_assets.0.file|"../../secret.png" must stay inside problem_assets/ (no "..", ".", or empty parts)',
      'task.yaml|problem_assets.1.file|"/etc/passwd" must be a path relative to problem_assets/',
    ]);
  });

  it('a declared file that is missing is an error naming it; a declared one present carries its URL', async () => {
    const dir = await task({ 'a.png': PNG_HEAD }, `problem_assets:\n  - { file: a.png, url: '${URL_0}' }\n  - { file: gone.png }\n`);
    expect(await lines(dir)).toEqual([`task.yaml|problem_assets.1.file|"gone.png" is declared but ${path.join(dir, 'problem_assets', 'gone.png')} is missing (or unusable, see above); add the file or remove the entry`]);
    await rm(path.join(dir, 'task.yaml'));
    await writeFile(path.join(dir, 'task.yaml'), `instance_id: t\nrepo: r\nbase_commit: ${'a'.repeat(40)}\ntest_cmd: x\ntest_report: tap\nFAIL_TO_PASS: [a]\nproblem_assets:\n  - { file: a.png, url: '${URL_0}' }\n`);
    const { assets } = await scanProblemAssets(await loadTask(dir));
    expect(assets).toEqual([{ file: 'a.png', bytes: PNG_HEAD.length, media_type: 'image/png', url: URL_0 }]);
  });

  it('a symbolic link in problem_assets/ is refused (it could put host files into the prompt); so is a name with a control character', async () => {
    const dir = await task({ 'a.png': PNG_HEAD });
    await symlink('/etc/hostname', path.join(dir, 'problem_assets', 'host.png'));
    await writeFile(path.join(dir, 'problem_assets', 'two\nlines.png'), PNG_HEAD);
    expect(await lines(dir)).toEqual([
      'problem_assets/host.png|null|is a symbolic link; problem_assets/ holds regular files only (a link could put host files into the prompt); replace it with the file',
      'problem_assets/two\nlines.png|null|problem asset name "two\\nlines.png" holds a control character or a backslash; rename the file',
    ]);
  });

  it('an unknown field of a declaration is refused by the schema', async () => {
    const dir = await task({ 'a.png': PNG_HEAD }, 'problem_assets:\n  - { file: a.png, kind: image }\n');
    expect((await lines(dir)).join('\n')).toMatch(/task\.yaml\|problem_assets\.0\|.*kind/);
  });
});

describe('sniffImage', () => {
  it('reads PNG, JPEG, GIF and WebP by their magic numbers, and nothing else', () => {
    expect(sniffImage(PNG_HEAD)).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(sniffImage(GIF)).toBe('image/gif');
    expect(sniffImage(WEBP)).toBe('image/webp');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });
});

describe('problem_assets travel with a task', () => {
  it('import keeps them in the task folder and export writes them back byte for byte', async () => {
    const published = path.join(tmp, 'published', 'o__r-1');
    await mkdir(path.join(published, 'problem_assets', 'codesandbox', 'src'), { recursive: true });
    await writeFile(path.join(published, 'problem_assets', '0-abc.png'), PNG_HEAD);
    await writeFile(path.join(published, 'problem_assets', 'codesandbox', 'src', 'index.js'), 'render()\n');
    await writeFile(path.join(published, 'eval.sh'), 'npm test\n');
    const taskDir = path.join(tmp, 'tasks', 'o__r-1');
    await mkdir(taskDir, { recursive: true });
    await keepPublishedFiles(published, taskDir);
    expect(await readFile(path.join(taskDir, 'problem_assets', '0-abc.png'))).toEqual(PNG_HEAD);
    const out = await writePublishedFolder(path.join(tmp, 'out'), { instance_id: 'o__r-1', dir: taskDir } as TaskSpec, { patch: 'p', test_patch: 't', problem_statement: 's', FAIL_TO_PASS: [], PASS_TO_PASS: [] });
    expect(await readFile(path.join(out, 'problem_assets', '0-abc.png'))).toEqual(PNG_HEAD);
    expect(await readFile(path.join(out, 'problem_assets', 'codesandbox', 'src', 'index.js'), 'utf8')).toBe('render()\n');
  });
});

describe('problem_assets and the suite hash', () => {
  it('a task with assets carries their digest, so changing an image changes the suite hash; a task without assets has none', async () => {
    const { suiteHash } = await import('../../../src/tasks/suite-hash.ts');
    const dir = await task({ '0-abc.png': PNG_HEAD });
    const before = await loadTask(dir);
    expect(before.problem_assets_digest).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(path.join(dir, 'problem_assets', '0-abc.png'), Buffer.concat([PNG_HEAD, Buffer.from([1])]));
    const after = await loadTask(dir);
    expect(suiteHash([after])).not.toBe(suiteHash([before]));
    await rm(path.join(dir, 'problem_assets'), { recursive: true });
    expect((await loadTask(dir)).problem_assets_digest).toBeUndefined();
  });
});
