// The attempt page's HTML, written out in TypeScript instead of a handlebars template: a report has
// one page per contender and task (11,000 in the 20 × 500 × 3 bench, 5,000 for 100,000 records),
// and handlebars' per-property lookups, strict checks and block frames made rendering them the
// largest CPU item of a build after the file writes (bench/RESULTS.md, report16). The bytes are
// those the former `templates/attempt-page.hbs` gave (bench/report-same.ts compares a build with an
// older commit's; test/unit/report/attempt-html.test.ts pins the whitespace rules it followed).
//
// Safe by construction: markup is only ever built by the `h` tag, which escapes every interpolated
// value with handlebars' own `escapeExpression` (& < > " ' ` =) unless the value is markup `h` made
// itself; there is no other way to produce an `Html`.
import Handlebars from 'handlebars';
import type { AttemptPageView, AttemptView, CappedText, StepView } from './trajectory.ts';

const escape = Handlebars.Utils.escapeExpression;

/** Markup made by {@link h}: inserted into other markup as is. */
class Html {
  constructor(readonly text: string) {}
}

type Part = Html | string | number | null | readonly Part[];

const piece = (v: Part): string => (v instanceof Html ? v.text : Array.isArray(v) ? (v as readonly Part[]).map(piece).join('') : v === null ? '' : escape(v as string));

/** A markup fragment: the literal text as written, every `${value}` escaped unless it is markup itself (or an array of fragments). */
function h(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

const EMPTY = new Html('');
const when = (cond: unknown, then: () => Html, otherwise: () => Html = () => EMPTY): Html => (cond ? then() : otherwise());
/** Items joined by `sep` (markup), each rendered by `f`. */
const joined = <T>(items: readonly T[], f: (x: T) => Html, sep: Html): Html => new Html(items.map((x) => f(x).text).join(sep.text));

/** A capped text: its head, and when something was elided the count and the tail (ends with a newline). */
const capped = (c: CappedText): Html => h`<pre>${c.head}</pre>${when(c.elided, () => h`<p class="elided">\u2026 ${c.elided} characters left out \u2026</p><pre>${c.tail}</pre>`)}\n`;

const COMMA = new Html(', ');
const DOT = new Html(' · ');

function step(s: StepView): Html {
  return h`<div class="step"><b>Step ${s.n}</b> <span class="muted">${when(s.usage, () => h`${s.usage} \u00b7 `)}context ${s.context} tokens</span>
${when(s.thought, () => h`<details open><summary>thought</summary>${capped(s.thought!)}</details>`)}
${when(s.command, () => h`<b class="label">command</b>${capped(s.command!)}`)}
${when(s.observation, () => h`<details><summary>output</summary>${capped(s.observation!)}</details>`)}
</div>
`;
}

function attempt(a: AttemptView): Html {
  const stages = when(
    a.stages.length,
    () => h`<h3>Cascade stages</h3>
<table><tr><th>#<th>model<th>agent ended<th>signal<th>steps<th>calls<th>tokens<th>USD<th>wall<th>trajectory
${a.stages.map((s) => h`<tr><td>${s.n}<td><code>${s.contender}</code><td>${s.ended}<td>${s.signal} <span class="muted">${s.reason}</span><td>${s.steps}<td>${s.calls}<td>${s.tokens}<td>${s.usd}<td>${s.wall}<td><code>${s.trajectory}</code>
`)}</table>`,
  );
  // the template's `{{~` dropped the line breaks between these four blocks
  const notes = h`${when(a.error, () => h`<h3>Error</h3>${capped(a.error!)}`)}${when(a.testFilesEdited.length, () => h`<p class="err">Edited test files (restored before grading): ${joined(a.testFilesEdited, (f) => h`<code>${f}</code>`, COMMA)}`)}${when(a.flakyTests.length, () => h`<p class="err">Flaky across re-runs: ${joined(a.flakyTests, (f) => h`<code>${f}</code>`, COMMA)}`)}`;
  const tests = when(
    a.tests.length,
    () => h`<table><tr><th>group<th>passed<th>failed
${a.tests.map((t) => h`<tr><td>${t.group}<td class="ok">${t.passed.map((x) => h`<code>${x}</code>`)}<td class="fail">${t.failed.map((x) => h`<code>${x}</code>`)}
`)}</table>
`,
    () => h`<p class="muted">No test verdict was recorded.
`,
  );
  const t = a.trajectory;
  const trajectory = t
    ? h`<p class="muted">The agent ended with <code>${t.exitStatus}</code>${when(t.note, () => h`: ${t.note}`)}. Texts longer than the report's cap show their head and tail.
${t.steps.map(step)}`
    : h`<p class="muted">${a.trajectoryNote}
`;
  return h`<section id="${a.anchor}">
<h2>Attempt ${a.attempt}: <span class="${a.resolved ? 'ok' : 'fail'}">${a.outcome}</span></h2>
<dl>${a.facts.map((f) => h`<dt>${f.label}<dd>${f.value}`)}</dl>
${stages}${notes}
<h3>Tests</h3>
${tests}<h3>Patch (model_patch)</h3>
${when(a.patch.head, () => capped(a.patch), () => h`<p class="muted">Empty patch.`)}
<h3>Trajectory</h3>
${trajectory}</section>
`;
}

/** An attempt page (record + trajectory) as an HTML string; no script, everything escaped; styled by `attempts/attempt.css`. */
export function attemptHtml(vm: AttemptPageView): string {
  return h`<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self' file:">
<meta name="generator" content="fixbench">
<title>${vm.title}</title>
<link rel="stylesheet" href="../attempt.css">
<header>
<p><a href="${vm.back}">\u2190 report</a>
<h1><code>${vm.contender}</code> \u00b7 <code>${vm.instanceId}</code></h1>
<p class="muted">run <code>${vm.runId}</code>
<p>Attempts: ${joined(vm.index, (i) => (i.anchor ? h`<a href="#${i.anchor}">${i.attempt} (${i.outcome})</a>` : h`<span class="muted">${i.attempt} (${i.outcome})</span>`), DOT)}
</header>
${vm.attempts.map(attempt)}`.text;
}
