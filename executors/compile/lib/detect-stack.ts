// Reads the technology stack from a description; FastAPI on PostgreSQL, no frontend, Kubernetes when nothing is said.
import type { IR } from '../../../schemas/ir.js';
import { byDefault, type Finding, inferred, type WarningSink } from './finding.js';
import { bestTerm, scoreTerms } from './score-terms.js';
import type { Doc } from './text-match.js';
import { BACKEND_TERMS, DATABASE_TERMS, DEPLOY_TERMS, FRONTEND_TERMS } from './vocabulary.js';

type Stack = IR['stack'];
type Value<K extends keyof Stack> = Stack[K]['value'];

const LANGUAGE_OF: Record<Value<'backend'>, Value<'language'>> = {
  fastapi: 'python',
  express: 'typescript',
  fastify: 'typescript',
  gin: 'go',
  'spring-boot': 'java',
  axum: 'rust',
};

export function languageOf(backend: Value<'backend'>): Value<'language'> {
  return LANGUAGE_OF[backend];
}

function pick<K extends string>(
  doc: Doc,
  table: Record<K, Record<string, number>>,
  fallback: K,
  what: string,
  warnings: WarningSink,
): Finding<K> {
  const scores = scoreTerms(doc, table);
  const best = bestTerm(scores, 0.5);
  if (!best) return byDefault(fallback, 0.5);
  const others = scores.filter((s) => s.key !== best.key && s.score >= 0.5);
  if (others.length > 0) {
    warnings.add(
      'W_STACK_AMBIGUOUS',
      `the description names more than one ${what} (${[best.key, ...others.map((o) => o.key)].join(', ')}); chose ${best.key}. Set \`stack.${what}\` to decide.`,
      { path: `stack.${what}` },
    );
  }
  return inferred(best.key, best.score, best.spans[0]);
}

export function detectStack(doc: Doc, warnings: WarningSink): Stack {
  const backend = pick(doc, BACKEND_TERMS, 'fastapi', 'backend', warnings);
  const frontend = pick<Value<'frontend'>>(
    doc,
    FRONTEND_TERMS as Record<Value<'frontend'>, Record<string, number>>,
    'none',
    'frontend',
    warnings,
  );
  return {
    backend,
    language: { ...backend, value: languageOf(backend.value) },
    database: pick(doc, DATABASE_TERMS, 'postgresql', 'database', warnings),
    frontend,
    deploy: pick<Value<'deploy'>>(
      doc,
      DEPLOY_TERMS as Record<Value<'deploy'>, Record<string, number>>,
      'kubernetes',
      'deploy',
      warnings,
    ),
  };
}
