// Image-only binary entries of a test patch (`Binary files a/x.png and b/x.png differ`, as
// `git diff` writes them without --binary): they carry no content, so no tool can apply them.
// SWE-bench's evaluation skips them (its eval scripts apply the rest of test.patch); fixbench
// drops them the same way, with a note, and still refuses every other binary entry. Pure.

/** File names of images (by extension, case-insensitive). */
const IMAGE_RE = /\.(?:png|jpe?g|gif|bmp|webp|ico|tiff?|avif)$/i;
const BINARY_RE = /^Binary files (?:a\/)?(.+?) and (?:b\/)?(.+?) differ$/;

/**
 * `patch` without its entries that are only a `Binary files … differ` line for images (both
 * sides an image path or /dev/null; no hunk, no `GIT binary patch` data). Every other byte is
 * kept. `dropped` names the image paths, `notes` says what was dropped (one line each).
 */
export function dropImageOnlyBinaryEntries(patch: string): { patch: string; dropped: string[]; notes: string[] } {
  // Entries start at each `diff --git ` line; what precedes the first one is kept as it is.
  const starts: number[] = [];
  const re = /^diff --git /gm;
  for (let m = re.exec(patch); m; m = re.exec(patch)) starts.push(m.index);
  if (!starts.length) return { patch, dropped: [], notes: [] };
  const parts = [patch.slice(0, starts[0])];
  const dropped: string[] = [];
  starts.forEach((s, i) => {
    const entry = patch.slice(s, starts[i + 1] ?? patch.length);
    const image = imageOnlyEntry(entry);
    if (image) dropped.push(image);
    else parts.push(entry);
  });
  return { patch: parts.join(''), dropped, notes: dropped.map((p) => `test.patch: dropped the image-only binary entry for ${p} (no content to apply; SWE-bench's eval script applies the rest and copies the image from the task's test_assets/, when it has one)`) };
}

/** The image path an entry changes when it is only a `Binary files … differ` line for images, else null. */
function imageOnlyEntry(entry: string): string | null {
  const lines = entry.split('\n');
  if (lines.some((l) => l.startsWith('@@') || l === 'GIT binary patch')) return null;
  const bin = lines.map((l) => BINARY_RE.exec(l)).find((m) => m);
  if (!bin) return null;
  const sides = [bin[1]!, bin[2]!].filter((p) => p !== '/dev/null');
  return sides.length && sides.every((p) => IMAGE_RE.test(p)) ? sides[sides.length - 1]! : null;
}
