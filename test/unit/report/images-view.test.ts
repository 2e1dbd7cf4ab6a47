// The report says which contenders saw the issues' images: a fact on the run page (rendered) and
// on each attempt page; runs whose records say nothing about images show nothing.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/build.ts';
import { attemptImagesFacts, imagesFacts } from '../../../src/report/images-view.ts';
import { buildViewModel } from '../../../src/report/view-model.ts';
import { makeAttempt, makeHeader, modelContender } from '../analysis/fixtures.ts';

describe('issue images in the report', () => {
  const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('vision'), modelContender('texty')] });
  const attempts = [
    makeAttempt('vision', 't1', 'resolved', 0.1, { images_sent: 2 }),
    makeAttempt('vision', 't2', 'unresolved', 0.1, { images_sent: 1 }),
    makeAttempt('texty', 't1', 'unresolved', 0.1, { images_sent: 0 }),
    makeAttempt('texty', 't2', 'unresolved', 0.1, { images_sent: 0 }),
  ];

  it('the run page names who saw the images and who got text only', async () => {
    const expected = { label: 'issue images', value: 'texty did not (text only: 2 tasks with images); vision saw them (3 images sent on 2 tasks)' };
    expect(imagesFacts(attempts)).toEqual([expected]);
    expect(buildViewModel(header, attempts).facts).toContainEqual(expected);
    expect(await renderReport(header, attempts)).toContain('<dt>issue images</dt><dd>texty did not (text only: 2 tasks with images); vision saw them (3 images sent on 2 tasks)</dd>');
  });

  it('a run without images (or with records older than images_sent) shows no such fact', () => {
    const plain = attempts.map(({ images_sent: _, ...a }) => a);
    expect(imagesFacts(plain)).toEqual([]);
    expect(buildViewModel(header, plain).facts.map((f) => f.label)).not.toContain('issue images');
  });

  it('an attempt page says how many images its model was shown', () => {
    expect(attemptImagesFacts({ images_sent: 2 })).toEqual([{ label: 'issue images shown', value: '2 (sent with the issue)' }]);
    expect(attemptImagesFacts({ images_sent: 0 })[0]!.value).toMatch(/^none/);
    expect(attemptImagesFacts({})).toEqual([]);
  });
});
