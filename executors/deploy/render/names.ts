// Object names and label keys derived from the brief's name, kept within Kubernetes' 63-character limits.
import { sha256 } from '../../../core/hash.js';

/** First `length` hex digits of sha256(text): short, stable suffixes for names that must change with their input. */
export function shortHash(text: string, length = 10): string {
  return sha256(text).slice(0, length);
}

/**
 * `<base>-<suffix>` within 63 characters (DNS label: Services, label values, Job names whose pods carry them). A base
 * too long is cut and given a hash of the whole, so two long names never collide.
 */
export function childName(base: string, suffix: string): string {
  const full = `${base}-${suffix}`;
  if (full.length <= 63) return full;
  const tail = `-${shortHash(base, 6)}-${suffix}`;
  return `${base.slice(0, 63 - tail.length).replace(/-+$/, '')}${tail}`;
}

/** The names every object of one service uses, in one place so the objects agree on them. */
export interface ServiceNames {
  app: string;
  config: string;
  secrets: string;
  tls: string;
  previewDb: string;
  previewDbSecret: string;
}

export function serviceNames(name: string): ServiceNames {
  return {
    app: name,
    config: childName(name, 'config'),
    secrets: childName(name, 'secrets'),
    tls: childName(name, 'tls'),
    previewDb: childName(name, 'postgres'),
    previewDbSecret: childName(name, 'preview-db'),
  };
}

/**
 * Label key a caller's pods carry to reach `callee` (`qlf.dev/uses-<callee>`); the name part of a label key holds
 * at most 63 characters.
 */
export function callerLabel(callee: string): string {
  const name = `uses-${callee}`;
  if (name.length <= 63) return `qlf.dev/${name}`;
  return `qlf.dev/uses-${callee.slice(0, 51).replace(/-+$/, '')}-${shortHash(callee, 6)}`;
}
