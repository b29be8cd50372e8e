// Why a task failed, as plain data: what a stage threw (a QlfError or any other value) reduced to the fields a result
// and the CLI show. The worker and the inline runner report failures this way, and the run reads thrown errors so too.
import type { QlfIssue } from '../core/errors.js';

export interface TaskFailure {
  message: string;
  code?: string;
  hint?: string;
  /** `input` for a mistake in what the user wrote (never retried), as `QlfError.kind`. */
  kind?: string;
  /** Located problems behind the failure; absent rather than empty. */
  issues?: QlfIssue[];
}

/** What `error` says about the failure; fields of the wrong type are left out. */
export function failureOf(error: unknown): TaskFailure {
  const e = error as { message?: unknown; code?: unknown; hint?: unknown; kind?: unknown; issues?: unknown } | null;
  return {
    message: typeof e?.message === 'string' ? e.message : String(error),
    code: typeof e?.code === 'string' ? e.code : undefined,
    hint: typeof e?.hint === 'string' ? e.hint : undefined,
    kind: typeof e?.kind === 'string' ? e.kind : undefined,
    issues: Array.isArray(e?.issues) && e.issues.length > 0 ? (e.issues as QlfIssue[]) : undefined,
  };
}
