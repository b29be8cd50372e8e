// Names of a preview: the namespace of one (brief, branch) pair, its public host, and label-safe values.
import { inputError } from '../../../core/errors.js';
import type { DeployConfig } from '../../../schemas/config.js';
import { shortHash } from '../render/names.js';

/** DNS-1123 labels and label values hold at most 63 characters. */
const MAX = 63;
/** `-` and six hex digits of sha256(brief, branch): tells apart branches that sanitise to the same text. */
const HASH_LENGTH = 6;

/** Lowercase, runs of anything but `a-z0-9` become one `-`, no `-` at either end: the DNS-1123 label alphabet. */
export function dnsText(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The preview namespace of `brief` on `branch`: `<brief>-<branch>-<hash>`, sanitised and cut to 63 characters. The
 * hash is of the raw brief and branch, so `feat/a_b` and `feat-a-b` get two namespaces, and so does a long name cut short.
 */
export function previewNamespace(brief: string, branch: string): string {
  const briefText = dnsText(brief);
  if (!briefText) {
    throw inputError(
      'E_PREVIEW_NAME',
      `brief name ${JSON.stringify(brief)} has no letters or digits to name a namespace`,
      {
        hint: 'Pass the name of a brief in this workspace (its `name:`), e.g. `qlf preview up payments`.',
      },
    );
  }
  const branchText = dnsText(branch);
  if (!branchText) {
    throw inputError(
      'E_PREVIEW_BRANCH',
      `branch ${JSON.stringify(branch)} has no letters or digits (a-z, 0-9) to name a preview namespace`,
      { hint: 'Pass --branch with a name that has some, e.g. --branch pr-42.' },
    );
  }
  const hash = shortHash(`${brief}\n${branch}`, HASH_LENGTH);
  const base = `${briefText}-${branchText}`.slice(0, MAX - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${base}-${hash}`;
}

/** `<namespace>.<deploy.preview.baseDomain ?? deploy.baseDomain>`. */
export function previewHost(namespace: string, deploy: Pick<DeployConfig, 'baseDomain' | 'preview'>): string {
  return `${namespace}.${deploy.preview.baseDomain ?? deploy.baseDomain}`;
}

/**
 * `raw` as a valid label value: characters outside `A-Z a-z 0-9 - _ .` become `-`, at most 63 characters, starting and
 * ending with a letter or digit (empty when none is left, which is a valid value too). The raw text goes in an annotation.
 */
export function labelValue(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, MAX)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
