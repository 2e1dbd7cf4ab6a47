// A task's `problem_assets/` folder (SWE-bench Multimodal's layout: the screenshots and
// other attachments): which files it holds, which are images a model can be shown (by their first
// bytes), which statement URL each stands for, and every problem with them, each naming the file.
import { createHash } from 'node:crypto';
import { constants, lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ASSETS_DIR } from './swe-folder.ts';

/** Media types of the images models accept (OpenAI and Anthropic both take these four). */
export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/**
 * Largest asset file, in bytes: 5 MiB, the largest image Anthropic's Messages API accepts per
 * image (OpenAI's limit is higher). Every published SWE-bench Multimodal asset is below 4.1 MB.
 */
export const MAX_ASSET_BYTES = 5 * 1024 * 1024;

/** File names that claim to be an image: their bytes must then be one. */
const IMAGE_NAME = /\.(png|jpe?g|gif|webp)$/i;

/** One file under `problem_assets/`. */
export interface ProblemAsset {
  /** Path relative to `problem_assets/`, `/`-separated (`0-34058152-cf2d.png`, `codepen.io/a.css`). */
  file: string;
  /** Size in bytes. */
  bytes: number;
  /** The image type read from the first bytes, or null for a file that is not a PNG, JPEG, GIF or WebP image. */
  media_type: ImageMediaType | null;
  /** The URL in the problem statement this file is a copy of (task.yaml `problem_assets`, or SWE-bench's `image_assets`), if any. */
  url?: string;
}

/** One problem with the assets: the file it is in (absolute), the task.yaml field or null, and what to do. */
export interface AssetProblem {
  file: string;
  field: string | null;
  message: string;
}

/** What a task declares about its assets: task.yaml's `problem_assets`, else the published `swe_bench.image_assets`. */
export interface AssetDeclarations {
  dir: string;
  problem_assets?: Array<{ file: string; url?: string | undefined }> | undefined;
  swe_bench?: Record<string, unknown> | undefined;
}

/** The image type of `bytes` by its magic number, or null. */
export function sniffImage(bytes: Uint8Array): ImageMediaType | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16));
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/**
 * Why `file` (a path relative to problem_assets/) is not a safe asset name, or null: it must be
 * relative, `/`-separated, without `.`/`..` parts, backslashes or control characters (the name is
 * shown to the model and joined to the task folder).
 */
export function assetNameProblem(file: string): string | null {
  if (file === '' || file.startsWith('/')) return 'must be a path relative to problem_assets/';
  if (/[\u0000-\u001f\u007f\\]/.test(file)) return 'holds a control character or a backslash; rename the file';
  if (file.split('/').some((p) => p === '' || p === '.' || p === '..')) return 'must stay inside problem_assets/ (no "..", ".", or empty parts)';
  return null;
}

/** The statement URLs SWE-bench's `image_assets.problem_statement` lists, as `{file: "<i>-<basename>", url}` (the published folders' naming). */
function publishedDeclarations(swe: Record<string, unknown> | undefined): Array<{ file: string; url: string }> {
  const ia = swe?.image_assets;
  const urls = typeof ia === 'object' && ia !== null ? (ia as Record<string, unknown>).problem_statement : undefined;
  if (!Array.isArray(urls)) return [];
  return urls.flatMap((u, i) => {
    if (typeof u !== 'string') return [];
    let base: string;
    try {
      base = path.posix.basename(new URL(u).pathname);
    } catch {
      return [];
    }
    return base ? [{ file: `${i}-${base}`, url: u }] : [];
  });
}

/**
 * Reads `<task.dir>/problem_assets/` (recursively, never following a link) and checks it:
 * every entry a regular file or folder (a symbolic link is refused by name), every name safe
 * (`assetNameProblem`), every file at most MAX_ASSET_BYTES, and every file named like an image
 * (`.png`, `.jpg`, `.jpeg`, `.gif`, `.webp`) a PNG, JPEG, GIF or WebP image by its first bytes.
 * Declared files (task.yaml `problem_assets`) must exist there; SWE-bench's `image_assets` URLs
 * are matched to the files the published folder holds (`<i>-<basename>`), and a URL whose file is
 * not there is simply not mapped (the published folders leave out images that could not be fetched).
 * @returns the assets in name order (declared ones carry their `url`) and every problem at once;
 *   no folder and no declarations gives `{assets: [], problems: []}`.
 */
export async function scanProblemAssets(task: AssetDeclarations): Promise<{ assets: ProblemAsset[]; problems: AssetProblem[] }> {
  const root = path.join(task.dir, ASSETS_DIR);
  const yamlFile = path.join(task.dir, 'task.yaml');
  const problems: AssetProblem[] = [];
  const assets: ProblemAsset[] = [];
  const walk = async (rel: string): Promise<void> => {
    const abs = rel ? path.join(root, rel) : root;
    const st = await lstat(abs).catch(() => null);
    if (!st) return;
    const at = (message: string) => problems.push({ file: abs, field: null, message });
    if (rel) {
      const why = assetNameProblem(rel);
      if (why) return void at(`problem asset name ${JSON.stringify(rel)} ${why}`);
    }
    if (st.isSymbolicLink()) return void at('is a symbolic link; problem_assets/ holds regular files only (a link could put host files into the prompt); replace it with the file');
    if (st.isDirectory()) {
      for (const e of (await readdir(abs)).sort()) await walk(rel ? `${rel}/${e}` : e);
      return;
    }
    if (!st.isFile()) return void at('is not a regular file; remove it from problem_assets/');
    if (!rel) return void at('problem_assets must be a folder of files');
    if (st.size > MAX_ASSET_BYTES) return void at(`is ${st.size} bytes (${mib(st.size)} MiB); a problem asset is at most ${MAX_ASSET_BYTES} bytes (5 MiB, the largest image a provider accepts); shrink or crop it`);
    const media_type = sniffImage(await head(abs));
    if (media_type === null && IMAGE_NAME.test(rel)) return void at('is named as an image but is not a PNG, JPEG, GIF or WebP image (by its first bytes); convert it, or remove it');
    assets.push({ file: rel, bytes: st.size, media_type });
  };
  await walk('');

  const byFile = new Map(assets.map((a) => [a.file, a]));
  if (task.problem_assets) {
    task.problem_assets.forEach((d, i) => {
      const why = assetNameProblem(d.file);
      if (why) problems.push({ file: yamlFile, field: `problem_assets.${i}.file`, message: `${JSON.stringify(d.file)} ${why}` });
      else if (!byFile.has(d.file)) {
        problems.push({ file: yamlFile, field: `problem_assets.${i}.file`, message: `"${d.file}" is declared but ${path.join(root, d.file)} is missing (or unusable, see above); add the file or remove the entry` });
      } else if (d.url) byFile.get(d.file)!.url = d.url;
    });
  } else {
    for (const d of publishedDeclarations(task.swe_bench)) {
      const a = byFile.get(d.file);
      if (a) a.url = d.url;
    }
  }
  return { assets, problems };
}

/**
 * The problem statement with every URL of an asset (`asset.url`) replaced by the asset's local
 * name `problem_assets/<file>`, so `![shot](https://…/a.png)` reads `![shot](problem_assets/0-a.png)`.
 * Pure; URLs of no asset are left as they are.
 */
export function localizeStatement(statement: string, assets: readonly ProblemAsset[]): string {
  let out = statement;
  // Longest URL first, so a URL that is a prefix of another never cuts it.
  for (const a of [...assets].filter((x) => x.url).sort((x, y) => y.url!.length - x.url!.length)) out = out.split(a.url!).join(`${ASSETS_DIR}/${a.file}`);
  return out;
}

/** Reads one asset's bytes (never through a link), or null when it is gone or not a regular file. */
export async function readAsset(taskDir: string, asset: ProblemAsset): Promise<Buffer | null> {
  if (assetNameProblem(asset.file)) return null;
  const fh = await open(path.join(taskDir, ASSETS_DIR, asset.file), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  if (!fh) return null;
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_ASSET_BYTES) return null;
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * SHA-256 (hex) over the assets' names and the SHA-256 of their bytes, in name order: part of a
 * task's identity (the suite hash), so changed images make another suite.
 * @returns null when there are no assets.
 */
export async function assetsDigest(taskDir: string, assets: readonly ProblemAsset[]): Promise<string | null> {
  if (!assets.length) return null;
  const parts: string[][] = [];
  for (const a of assets) {
    const bytes = await readAsset(taskDir, a);
    parts.push([a.file, bytes ? createHash('sha256').update(bytes).digest('hex') : 'unreadable']);
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The first 16 bytes of `file` (fewer when it is shorter), not following a link. */
async function head(file: string): Promise<Buffer> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const mib = (n: number) => (n / (1024 * 1024)).toFixed(2);
