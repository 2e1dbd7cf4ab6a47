// The one head-and-tail truncation of long text (command output, test logs, report excerpts): keep
// both ends, count what was left out between them. Lengths are UTF-16 code units ("characters").

/** Text cut to head and tail: `text` when it fits, else the two ends and how much was elided. */
export type TruncatedOutput =
  | { truncated: false; text: string }
  | { truncated: true; head: string; tail: string; elidedChars: number; totalChars: number };

/** @throws RangeError unless `maxChars` is a non-negative integer or Infinity. */
function checkMax(maxChars: number): void {
  if (!(maxChars === Infinity || (Number.isInteger(maxChars) && maxChars >= 0))) {
    throw new RangeError(`maxChars must be a non-negative integer or Infinity, got ${maxChars}`);
  }
}

const isHighSurrogate = (c: string | undefined) => c !== undefined && /[\uD800-\uDBFF]/.test(c);

/**
 * Cuts `text` to at most `maxChars` characters: the first half (rounded down) and the last half are
 * kept, the middle is elided and counted. Never splits a surrogate pair (the kept text may then be
 * one character shorter). Pure.
 * @throws RangeError for a negative, fractional or NaN `maxChars`.
 */
export function truncateOutput(text: string, maxChars: number): TruncatedOutput {
  checkMax(maxChars);
  if (text.length <= maxChars) return { truncated: false, text };
  let headEnd = Math.floor(maxChars / 2);
  let tailStart = text.length - (maxChars - headEnd);
  if (headEnd > 0 && isHighSurrogate(text[headEnd - 1])) headEnd--;
  if (tailStart > 0 && isHighSurrogate(text[tailStart - 1])) tailStart++;
  return {
    truncated: true,
    head: text.slice(0, headEnd),
    tail: text.slice(tailStart),
    elidedChars: tailStart - headEnd,
    totalChars: text.length,
  };
}

/**
 * Head and tail of an output the sandbox already cut (`ExecResult.stdout` + `stdoutTail`): at most
 * `maxChars` characters in all, half from the start of `head`, the rest from the end of `tail`. The
 * elided count adds the characters dropped here to the `omittedBytes` the sandbox never kept (one
 * character per byte: exact for ASCII output). `maxChars` Infinity keeps both whole. Pure.
 * @throws RangeError for a bad `maxChars` or a negative `omittedBytes`.
 */
export function truncateHeadTail(head: string, tail: string, omittedBytes: number, maxChars: number): TruncatedOutput & { truncated: true } {
  checkMax(maxChars);
  if (!(omittedBytes >= 0)) throw new RangeError(`omittedBytes must be >= 0, got ${omittedBytes}`);
  let headEnd = Math.min(head.length, Math.floor(maxChars / 2));
  if (headEnd > 0 && headEnd < head.length && isHighSurrogate(head[headEnd - 1])) headEnd--;
  let tailStart = Math.max(0, tail.length - (maxChars - headEnd));
  if (tailStart > 0 && tailStart < tail.length && /[\uDC00-\uDFFF]/.test(tail[tailStart]!)) tailStart++;
  return {
    truncated: true,
    head: head.slice(0, headEnd),
    tail: tail.slice(tailStart),
    elidedChars: head.length - headEnd + tailStart + omittedBytes,
    totalChars: head.length + tail.length + omittedBytes,
  };
}

/** The line put between head and tail by `formatTruncated` (default). */
export const elisionLine = (elidedChars: number) => `\n[... ${elidedChars} characters elided ...]\n`;

/** One string from a cut: the text when whole, else head + `marker(elidedChars)` + tail. Pure. */
export function formatTruncated(cut: TruncatedOutput, marker: (elidedChars: number) => string = elisionLine): string {
  return cut.truncated ? `${cut.head}${marker(cut.elidedChars)}${cut.tail}` : cut.text;
}

/** `text` cut to head and tail at `maxChars` (the marker not counted), as one string. Pure. */
export function truncateText(text: string, maxChars: number, marker?: (elidedChars: number) => string): string {
  return formatTruncated(truncateOutput(text, maxChars), marker);
}

/**
 * `text` cut to at most `maxChars` characters for one line of output, at the last space before the
 * limit when there is one in its last third, with "…" marking the cut; `text` when it fits. Pure.
 */
export function clipAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars - 1);
  const space = cut.lastIndexOf(' ');
  return `${space >= (maxChars * 2) / 3 ? cut.slice(0, space) : cut}…`;
}
