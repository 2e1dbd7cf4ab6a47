// A streaming scan of the finished attempts' keys, for comparison with the resume scan through
// readRun: what a resume that reads only keys would cost (bench/RESULTS.md, "scale").
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The `key` of every complete line of an attempts.jsonl, read line by line (memory: the key set,
 * not the records). A torn last line (no newline, invalid JSON) is skipped, as `readRun` does.
 */
export async function scanKeys(file: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const key = (JSON.parse(line) as { key?: unknown }).key;
      if (typeof key === 'string') keys.add(key);
    } catch {
      /* torn last line */
    }
  }
  return keys;
}
