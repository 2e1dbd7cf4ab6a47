// Per-test status of a task's listed tests, in the shape of SWE-bench's report.json `tests_status`:
// the one definition, used by grading (evaluation/) and by the stored attempt record (store/).
import { z } from 'zod';

/** Test ids of one list, split by their result under the model's patch. */
const Split = z.object({ success: z.array(z.string()), failure: z.array(z.string()) });

/** `FAIL_TO_PASS` / `PASS_TO_PASS` test ids split into `success` and `failure` (SWE-bench's rule). */
export const TestsStatus = z.object({ FAIL_TO_PASS: Split, PASS_TO_PASS: Split });
export type TestsStatus = z.infer<typeof TestsStatus>;
