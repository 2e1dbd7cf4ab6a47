// The report's one script: click (or Enter/Space on) a column heading of a `table.sortable` to sort its
// rows by that column, again to reverse. Inlined in the page and allowed by its Content-Security-Policy
// hash, so the page loads nothing. Without JavaScript the table stays in its server-side order.
import { createHash } from 'node:crypto';

/**
 * The script's source, as inlined. Headings opt in with `data-sort="num"` (cells' `data-v` numbers;
 * an empty `data-v` is unknown and sorts last either way) or `data-sort="text"` (cell text).
 * The active heading gets `aria-sort`.
 */
export const SORT_SCRIPT = `(function () {
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var kind = th.getAttribute('data-sort');
      if (!kind) return;
      th.tabIndex = 0;
      th.title = 'sort by this column';
      function value(row) {
        var cell = row.cells[col];
        var v = cell.getAttribute('data-v');
        if (kind !== 'num') return (v === null ? cell.textContent : v).trim().toLowerCase();
        return v === null || v === '' ? null : Number(v);
      }
      function sort() {
        var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
        if (!th.hasAttribute('aria-sort') && kind === 'text') dir = 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (r, i) { return { r: r, v: value(r), i: i }; });
        rows.sort(function (a, b) {
          if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
          return a.v === b.v ? a.i - b.i : (a.v > b.v ? 1 : -1) * dir;
        });
        rows.forEach(function (x) { body.appendChild(x.r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
  });
})();`;

/** The CSP source allowing exactly {@link SORT_SCRIPT}: `'sha256-<base64>'`. */
export const SORT_SCRIPT_CSP = `'sha256-${createHash('sha256').update(SORT_SCRIPT, 'utf8').digest('base64')}'`;
