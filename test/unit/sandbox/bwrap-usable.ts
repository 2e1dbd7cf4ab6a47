// Whether bubblewrap works on this machine: bwrap tests run only then. Off CI they are skipped with
// a loud warning; on CI (`CI` set) its absence fails the suite (see bwrap.test.ts).
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';

/** Why bwrap cannot be used here, or null when it can. */
export const bwrapProblem: string | null = await (async () => {
  const probe = new BwrapSandbox();
  try {
    await probe.init();
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await probe.cleanup();
  }
})();

export const bwrapUsable = bwrapProblem === null;

if (!bwrapUsable) {
  console.warn(
    `\n*** fixbench tests: SKIPPING the bwrap sandbox tests: ${bwrapProblem}\n` +
      `*** (on CI, with CI set, this is a failure; install bubblewrap: apt-get install bubblewrap) ***\n`,
  );
}
