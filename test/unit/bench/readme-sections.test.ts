// The README's bench section lists every section `npm run bench -- --help` prints, one line each.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TARGETS_TITLE } from '../../../bench/lib/issue18.ts';

const root = path.resolve(import.meta.dirname, '../../..');

describe('the README\'s bench section', () => {
  it('has one line per section of the bench, and names the closing note by its printed title', () => {
    const help = execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/run.ts'), '--help'], { cwd: root, encoding: 'utf8' });
    const sections = /run only these sections \(comma-separated\): ([^;]+);/.exec(help)![1]!.split(', ');
    expect(sections.length).toBeGreaterThan(5);
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const bench = readme.slice(readme.indexOf('### Performance'));
    for (const s of sections) expect(bench, s).toMatch(new RegExp(`^- \`${s}\` — `, 'm'));
    expect(TARGETS_TITLE).toBe('Performance targets (issue 18)');
    expect(bench).toContain(`"${TARGETS_TITLE}"`);
  });
});
