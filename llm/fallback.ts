// `--fallback template`: when the model's part fails, keep what qlf makes without a model and say why. A mistake the
// user must fix (a missing key, an unknown model: input errors) is never hidden by the fallback.
import { isQlfError } from '../core/errors.js';
import type { QlfConfig } from '../schemas/config.js';

export async function withTemplateFallback<T>(
  fallback: QlfConfig['generate']['fallback'],
  run: () => Promise<T>,
  kept: (reason: string) => T,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (fallback !== 'template' || (isQlfError(error) && error.kind === 'input')) throw error;
    return kept(error instanceof Error ? error.message : String(error));
  }
}
