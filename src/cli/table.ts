// Plain-text tables for the terminal (cli-table3), borderless so they read well in logs too.
import Table from 'cli-table3';

/** Renders rows of cells under `head` as an aligned table; numbers right-aligned. */
export function textTable(head: string[], rows: Array<Array<string | number>>): string {
  const t = new Table({
    head,
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const r of rows) t.push(r.map((c) => (typeof c === 'number' ? { content: String(c), hAlign: 'right' as const } : c)));
  return t.toString() + '\n';
}
