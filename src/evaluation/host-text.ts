// A canary host's text, read only when it round-trips (atkA20 #2): the canaries are written into a
// host as text, so a file that is not UTF-8 (a Latin-1 test file with its PEP 263 coding line) would
// come back with U+FFFD where its own bytes were, and an honest patch's test would fail. Such a file
// is never planned on: it stays byte for byte as it is, and gets an `unhooked` note saying why.
import { NO_CANARY } from './canary-host.ts';
import type { Unhooked } from './canary-hook.ts';
import { readSmallBytes } from './report-file.ts';

/** Why a host got no canary: the end of its `unhooked` note (listed tests' notes append NO_CANARY to it). */
export const NOT_UTF8 = 'not UTF-8 text: fixbench writes canaries only into a file it can write back byte for byte';

/** Thrown by a host read (canary-listed-hosts.ts `BaseText`) for a file that is not UTF-8 text; `file` is repository-relative. */
export class NotUtf8Error extends Error {
  constructor(readonly file: string) {
    super(`${file}: ${NOT_UTF8}`);
  }
}

/** `bytes` as UTF-8 text, a byte-order mark kept (so the text encodes back to `bytes` exactly); null when they are not UTF-8. */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The texts of `files` (repository-relative) in workspace `dir`, up to `maxBytes` each, read
 * without following links (report-file.ts `readSmallBytes`): `hosts`, those that are UTF-8 text
 * (file → text); `notUtf8`, those that are not, with their notes (ending in NO_CANARY). A file
 * absent, linked or too large is in neither.
 */
export async function hostTexts(dir: string, files: readonly string[], maxBytes: number): Promise<{ hosts: Map<string, string>; notUtf8: string[]; notes: Unhooked[] }> {
  const hosts = new Map<string, string>();
  const notUtf8: string[] = [];
  for (const f of files) {
    const bytes = await readSmallBytes(dir, f, maxBytes);
    if (bytes === null) continue;
    const text = utf8Text(bytes);
    if (text === null) notUtf8.push(f);
    else hosts.set(f, text);
  }
  return { hosts, notUtf8, notes: notUtf8.map((file) => ({ file, why: `${NOT_UTF8}, ${NO_CANARY}` })) };
}
