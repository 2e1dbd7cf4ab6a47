// Head-and-tail truncation of long text (command output, logs): keep both ends, count the middle.

/** Output cut to head and tail: `text` when it fits, else the two ends and how much was elided. */
export type TruncatedOutput =
  | { truncated: false; text: string }
  | { truncated: true; head: string; tail: string; elidedChars: number; totalChars: number };

/**
 * Cuts `text` to at most `maxChars` characters (UTF-16 code units): the first half and the last
 * half are kept, the middle is elided and counted. Never splits a surrogate pair. Pure.
 */
export function truncateOutput(text: string, maxChars: number): TruncatedOutput {
  if (text.length <= maxChars) return { truncated: false, text };
  let headEnd = Math.floor(maxChars / 2);
  let tailStart = text.length - (maxChars - headEnd);
  const isHigh = (i: number) => i > 0 && i <= text.length && /[\uD800-\uDBFF]/.test(text[i - 1]!);
  if (isHigh(headEnd)) headEnd--;
  if (isHigh(tailStart)) tailStart++;
  return {
    truncated: true,
    head: text.slice(0, headEnd),
    tail: text.slice(tailStart),
    elidedChars: tailStart - headEnd,
    totalChars: text.length,
  };
}

/**
 * Head and tail of an output the sandbox already cut (`ExecResult.stdoutTail`): at most `maxChars`
 * characters in all, half from the start of `head`, half from the end of `tail`. The elided count adds
 * the characters dropped here to the `omittedBytes` the sandbox never kept (counted as one character
 * per byte: exact for ASCII output). Pure.
 */
export function truncateHeadTail(head: string, tail: string, omittedBytes: number, maxChars: number): TruncatedOutput & { truncated: true } {
  let headEnd = Math.min(head.length, Math.floor(maxChars / 2));
  if (headEnd > 0 && headEnd < head.length && /[\uD800-\uDBFF]/.test(head[headEnd - 1]!)) headEnd--;
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
