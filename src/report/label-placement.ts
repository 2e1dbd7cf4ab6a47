// Places chart labels so that no two overlap and none covers a point: each label tries a few spots
// around its point; one that fits nowhere is replaced by a number whose key is printed under the
// chart. Pure geometry in pixels of the plot area (origin top left, y down).

/** A label to place beside a point at (x, y) pixels. */
export interface LabelRequest {
  key: string;
  text: string;
  x: number;
  y: number;
}

/** Where a label went. `text` is the label itself or its number in the key; null = not drawn at all. */
export interface PlacedLabel {
  key: string;
  /** Drawn text: the label, or `"n"` when numbered; null when not even a number fits (listed in the key). */
  text: string | null;
  /** Anchor of the drawn text (its left edge, right edge or centre, per `align`) and its vertical centre, pixels of the plot area. */
  x: number;
  y: number;
  /** Which edge `x` is: text left of its point ends near it (`right`), so a reader pairs label and point. */
  align: 'left' | 'right' | 'center';
  /** Position in the numbered key (1-based), or null when the label itself is drawn. */
  number: number | null;
}

/** A box, pixels: left, top, right, bottom. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Options of {@link placeLabels}. */
export interface PlacementOptions {
  width: number;
  height: number;
  /** Font size of the labels, pixels. */
  fontSize: number;
  /** Points (any, labelled or not) no label may cover, pixels; each a square of side 2·radius. */
  obstacles: ReadonlyArray<{ x: number; y: number }>;
  /** Half the side of a point's keep-out square, pixels (default 5). */
  radius?: number;
}

/**
 * Width of `text` at `fontSize`, pixels: a deliberate over-estimate (0.62 em per character, the
 * widest common sans-serif average; digits and lower case are narrower) so a placed box holds the
 * text in any browser font.
 */
export function textWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * 0.62) + 2;
}

export const intersects = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Places labels in the given order (put the important ones first): each takes the first of eight
 * spots around its point (right, upper right, lower right, left, upper left, lower left, above,
 * below) whose box stays inside the plot, overlaps no placed label and covers no obstacle; when no
 * spot fits, its number in the key is tried the same way; when even that fails it is not drawn.
 * Deterministic. O(labels² + labels × obstacles).
 */
export function placeLabels(requests: readonly LabelRequest[], o: PlacementOptions): PlacedLabel[] {
  const r = o.radius ?? 5;
  const h = Math.ceil(o.fontSize * 1.2);
  const placed: Box[] = [];
  const blocks = o.obstacles.map((p) => ({ x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r }));
  let numbers = 0;
  const tryPlace = (req: LabelRequest, text: string): { x: number; y: number; align: PlacedLabel['align'] } | null => {
    const w = textWidth(text, o.fontSize);
    const g = r + 2;
    const spots: Array<[number, number]> = [
      [req.x + g, req.y - h / 2],
      [req.x + g - 2, req.y - h - g + 2],
      [req.x + g - 2, req.y + g - 2],
      [req.x - g - w, req.y - h / 2],
      [req.x - g - w + 2, req.y - h - g + 2],
      [req.x - g - w + 2, req.y + g - 2],
      [req.x - w / 2, req.y - h - g],
      [req.x - w / 2, req.y + g],
    ];
    for (const [i, [x0, y0]] of spots.entries()) {
      const box = { x0, y0, x1: x0 + w, y1: y0 + h };
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > o.width || box.y1 > o.height) continue;
      const pad = { x0: box.x0 - 1, y0: box.y0 - 1, x1: box.x1 + 1, y1: box.y1 + 1 };
      if (placed.some((b) => intersects(b, pad)) || blocks.some((b) => intersects(b, box))) continue;
      placed.push(box);
      const align = i < 3 ? 'left' : i < 6 ? 'right' : 'center';
      return { x: align === 'left' ? x0 : align === 'right' ? x0 + w : x0 + w / 2, y: y0 + h / 2, align };
    }
    return null;
  };
  return requests.map((req) => {
    const at = tryPlace(req, req.text);
    if (at) return { key: req.key, text: req.text, ...at, number: null };
    numbers += 1;
    const n = String(numbers);
    const numAt = tryPlace(req, n);
    return numAt ? { key: req.key, text: n, ...numAt, number: numbers } : { key: req.key, text: null, x: req.x, y: req.y, align: 'left' as const, number: numbers };
  });
}
