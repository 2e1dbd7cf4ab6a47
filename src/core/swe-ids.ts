// Test names as SWE-bench writes them ↔ fixbench's clean ids (task.yaml `ids: swe-bench`).
// SWE-bench's log parsers keep a title's blanks (`"renders the cell "`); fixbench's report parsers
// trim every part of an id. Pure.

const SEP = ' > ';

/**
 * A pytest node id as SWE-bench lists it: `<file>.py::<class>::…::<function>` and parameter ids in
 * brackets, which may hold anything (`test_x[a::b]`). Group 1: the part before the brackets; 2: the brackets.
 */
const PYTEST_NODE_RE = /^([^\s[\]:]+\.py(?:::[^\s[\]:]+)+)(\[.*\])?$/s;

/**
 * The fixbench id a SWE-bench test name stands for. A pytest node id becomes the id the JUnit parser
 * gives that test (`tests/test_a.py::TestX::test_y[p]` → `tests/test_a.py > TestX > test_y[p]`,
 * parse/junit.ts `pytestParts`). Any other name: each ` > `-separated part with its surrounding
 * whitespace trimmed, empty parts left out (as the report parsers build ids):
 * `"a > b "` → `"a > b"`; a name without blanks at either end of a part is returned unchanged.
 */
export function sweBenchKey(name: string): string {
  const node = PYTEST_NODE_RE.exec(name);
  if (node) return `${node[1]!.split('::').join(SEP)}${node[2] ?? ''}`;
  return name
    .split(SEP)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join(SEP);
}

/**
 * A fixbench pytest id as SWE-bench's pytest node id (`tests/a.py > TestX > test_y[p]` →
 * `tests/a.py::TestX::test_y[p]`), the inverse of `sweBenchKey` for pytest ids; any other id (not
 * starting with a `.py` file, or already a node id) is returned unchanged.
 */
export function pytestNodeId(id: string): string {
  const parts = id.split(SEP);
  if (parts.length < 2 || !parts[0]!.endsWith('.py') || id.includes('::')) return id;
  const node = parts.join('::');
  return sweBenchKey(node) === id ? node : id;
}

/**
 * The pytest test files (repo-relative paths ending in `.py`) that `ids` name: the first part of
 * each id as `sweBenchKey` gives it (`tests/v1.2/test_x.py::test_a` → `tests/v1.2/test_x.py`),
 * once each, in order. Ids of other runners name none.
 */
export function listedPytestFiles(ids: readonly string[]): string[] {
  const files = new Set<string>();
  for (const id of ids) {
    const first = sweBenchKey(id).split(SEP)[0]!;
    if (first.endsWith('.py') && first !== id) files.add(first);
  }
  return [...files];
}

/**
 * `results` with each listed SWE-bench name added under its own spelling, holding the result of
 * its fixbench id (`sweBenchKey`), when the two differ; a result under the listed spelling itself
 * is replaced (or dropped when the id has none): no report parser makes one.
 * The other entries are kept as they are. Generic over the value so every result map can use it.
 * @returns a new map; `results` is not changed.
 */
export function aliasSweBenchNames<V>(results: ReadonlyMap<string, V>, listed: readonly string[]): Map<string, V> {
  const out = new Map(results);
  for (const name of listed) {
    const key = sweBenchKey(name);
    if (key === name) continue;
    // the listed spelling answers with its key's result only: a result of that raw spelling is none a parser makes (a forged `a.py::test_x`, atkR11 1)
    const v = results.get(key);
    if (v !== undefined) out.set(name, v);
    else out.delete(name);
  }
  return out;
}
