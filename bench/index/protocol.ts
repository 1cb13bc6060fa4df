/** The line a run-candidate.ts child prints its JSON result on. */
export const RESULT_PREFIX = "RESULT ";
