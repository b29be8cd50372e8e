// The strict output contract: what a model's answer must look like before anything is written (schemas/soc.abnf).
export type { AnswerFile, LocatedFile } from './answer-file.js';
export { MAX_PATH_DEPTH, MAX_PATH_LENGTH, pathProblem } from './answer-path.js';
export type { FileAnswer } from './file-blocks.js';
export { parseFileAnswer } from './file-blocks.js';
export { formatFileAnswer } from './format-file-answer.js';
export { parseJsonAnswer } from './json-answer.js';
export { BEGIN_OPEN, beginLine, DONE_LINE, END_LINE, MARKER_PREFIX } from './markers.js';
export type { AnswerPolicy, ResolvedAnswerPolicy } from './policy.js';
export {
  DEFAULT_TEXT_EXTENSIONS,
  DOMAIN_ANSWER_POLICY,
  FORBIDDEN_SCAFFOLD,
  pathPolicyProblem,
  resolveAnswerPolicy,
} from './policy.js';
export type { SocAnswerKind, SocCode, SocProblem } from './rejection.js';
export { SOC_RULES, SocRejection, socRule } from './rejection.js';
export type { SecretFinding, SecretKind } from './secrets.js';
export { findSecrets, maskSecrets } from './secrets.js';
export { assertWritableInside } from './writable-path.js';
