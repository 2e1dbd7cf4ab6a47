// The report's scripts, inlined in the page and allowed by its Content-Security-Policy hash, so the
// page loads nothing: click (or Enter/Space on) a column heading of a `table.sortable` to sort its
// rows by that column, again to reverse; type a target rate or a budget into the routing section's
// picker to see the cascade it picks. Without JavaScript the tables stay in their server-side order
// and the picker shows its defaults' answers.
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

/**
 * The routing picker (src/report/routing-view.ts): reads the cascades of `#routing-table` (kind cell
 * "cascade", `data-v` of the rate and USD cells; unknown or zero USD left out) and writes into
 * `#pick-target-out` the cheapest reaching the typed rate, into `#pick-budget-out` the most accurate
 * within the typed USD per task — the rules and words of `cheapestReaching`, `bestWithinBudget`,
 * `targetSentence` and `budgetSentence`, which compute the defaults' answers on the server.
 */
export const PICK_SCRIPT = `(function () {
  var table = document.getElementById('routing-table');
  var target = document.getElementById('pick-target');
  var budget = document.getElementById('pick-budget');
  if (!table || !target || !budget) return;
  function routes() {
    var out = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      var rate = r.cells[3].getAttribute('data-v'), usd = r.cells[4].getAttribute('data-v');
      if (r.cells[1].textContent !== 'cascade' || rate === '' || usd === '' || !(Number(usd) > 0)) return;
      out.push({ label: r.cells[0].textContent, rate: Number(rate), usd: Number(usd), pct: r.cells[3].firstChild.nodeValue, usdText: r.cells[4].textContent });
    });
    return out;
  }
  function byLabel(a, b) { return a.label < b.label ? -1 : a.label > b.label ? 1 : 0; }
  function said(p) { return p.label + ', ' + p.pct + ' at ' + p.usdText + ' per task.'; }
  function pickTarget() {
    var typed = target.value.trim(), t = Number(typed) / 100, out = document.getElementById('pick-target-out');
    if (typed === '' || !isFinite(t)) { out.textContent = 'Type a target rate in percent.'; return; }
    var p = routes().filter(function (r) { return r.rate >= t - 5e-4; }).sort(function (a, b) { return a.usd - b.usd || b.rate - a.rate || byLabel(a, b); })[0];
    out.textContent = 'Target ' + typed + '% resolved: ' + (p ? 'the cheapest cascade reaching it is ' + said(p) : 'no cascade reaches it.');
  }
  function pickBudget() {
    var typed = budget.value.trim(), b = Number(typed), out = document.getElementById('pick-budget-out');
    if (typed === '' || !isFinite(b)) { out.textContent = 'Type a budget in USD per task.'; return; }
    var p = routes().filter(function (r) { return r.usd <= b + 1e-9; }).sort(function (x, y) { return y.rate - x.rate || x.usd - y.usd || byLabel(x, y); })[0];
    out.textContent = 'Budget $' + typed + ' per task: ' + (p ? 'the most accurate cascade within it is ' + said(p) : 'no cascade fits.');
  }
  target.addEventListener('input', pickTarget);
  budget.addEventListener('input', pickBudget);
})();`;

const cspOf = (script: string): string => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

/** The CSP source allowing exactly {@link SORT_SCRIPT}: `'sha256-<base64>'` (the site page's script). */
export const SORT_SCRIPT_CSP = cspOf(SORT_SCRIPT);

/** The report page's one inline script: sorting, then the routing picker. */
export const REPORT_SCRIPT = `${SORT_SCRIPT}\n${PICK_SCRIPT}`;
/** The CSP source allowing exactly {@link REPORT_SCRIPT}. */
export const REPORT_SCRIPT_CSP = cspOf(REPORT_SCRIPT);
