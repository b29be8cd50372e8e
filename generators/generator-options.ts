// Validates a generator's options with its zod schema (Nx checks schema.json too, but a direct call does not).
import type { z } from 'zod';
import { inputError } from '../core/errors.js';
import { zodIssues } from '../core/zod-issues.js';

export function parseGeneratorOptions<S extends z.ZodType>(generator: string, schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw inputError('E_GENERATOR_OPTIONS', `invalid options for qlf:${generator}`, {
      issues: zodIssues(parsed.error, { code: 'E_GENERATOR_OPTIONS' }),
    });
  }
  return parsed.data;
}
