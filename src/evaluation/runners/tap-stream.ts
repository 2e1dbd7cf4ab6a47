// TAP on stdout, read for the runners that print it (ava `--tap`, node-tap `-R tap`): the stream
// is read by tap-parser and must hold together, as `parseTap` requires.
import { Parser, type FinalResults, type Result } from 'tap-parser';
import stripAnsi from 'strip-ansi';
import { ReportParseError } from '../parse/types.ts';
import type { TestStatus } from '../types.ts';

/** One test point, with the names of the subtests it sits in (outermost first) and whether it closes a subtest of its own. */
export interface TapPoint {
  path: string[];
  name: string;
  status: TestStatus;
  /** The subtest this point closes (its child parser), null for a plain assertion. */
  closes: boolean;
}

/**
 * Every test point of `text` in stream order. Throws `ReportParseError` when the stream does not
 * hold together (a structural error at any level, a bail-out), as `parseTap` does.
 */
export function tapPoints(text: string): TapPoint[] {
  const points: TapPoint[] = [];
  const problems: string[] = [];
  const paths = new WeakMap<Parser, string[]>();
  const attach = (p: Parser): void => {
    const path = p.parent ? [...(paths.get(p.parent) ?? []), unescapeTap(p.name)] : [];
    paths.set(p, path);
    let lastChild: Parser | null = null;
    p.on('child', (c: Parser) => {
      lastChild = c;
      attach(c);
    });
    p.on('assert', (r: Result) => {
      const closes = lastChild !== null && unescapeTap(lastChild.name) === r.name.trim();
      lastChild = null;
      points.push({ path, name: r.name, status: r.skip || r.todo ? 'SKIPPED' : r.ok ? 'PASSED' : 'FAILED', closes });
    });
    p.on('complete', (res: FinalResults) => {
      for (const f of res.failures) if (f.tapError) problems.push(`${f.tapError}${p.fullname ? ` in subtest ${JSON.stringify(p.fullname)}` : ''}`);
      if (res.bailout && !p.parent) problems.push('the run bailed out');
    });
  };
  const root = new Parser();
  attach(root);
  const clean = stripAnsi(text);
  root.end(clean.endsWith('\n') ? clean : `${clean}\n`);
  if (problems.length) throw new ReportParseError(`TAP stream is inconsistent (output the code under test printed may be mixed in): ${problems.slice(0, 3).join('; ')}`);
  return points;
}

const unescapeTap = (s: string): string => s.replace(/\\(.)/g, '$1').trim();
