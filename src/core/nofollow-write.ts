// Writing a file fixbench owns without following a link planted in its place: the open fails with
// ELOOP instead of writing through the link to whatever it names (atkJ13 #3: report pages, the
// stylesheet and index.html were written over victims through links in the report folder).
import { constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';

/** `open(2)` flags of a write that truncates or creates, never through a symbolic link (`O_NOFOLLOW`). */
export const WRITE_NOFOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/**
 * Writes `text` to `file` (UTF-8), creating or truncating it. @throws the system error (code ELOOP)
 * when `file` is a symbolic link: nothing is written anywhere.
 */
export async function writeFileNoFollow(file: string, text: string): Promise<void> {
  await writeFile(file, text, { encoding: 'utf8', flag: WRITE_NOFOLLOW });
}
