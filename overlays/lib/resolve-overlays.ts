// Turns the overlays a brief asks for into the set that applies: `requires` expanded transitively, unknown names,
// cycles and conflicts rejected, and the result in application order (priority ascending, then name).
import { inputError, type QlfIssue } from '../../core/errors.js';
import { didYouMeanText } from './did-you-mean.js';
import type { LoadedOverlay, OverlayRegistry, OverlayRequest, ResolvedOverlay, ResolvedOverlays } from './types.js';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Application order: lower priority first, so that higher priority overlays are applied last and win. */
export function compareApplicationOrder(a: LoadedOverlay, b: LoadedOverlay): number {
  return a.overlay.priority - b.overlay.priority || byName(a.overlay.name, b.overlay.name);
}

function unknownIssue(name: string, known: string[], requiredBy?: LoadedOverlay): QlfIssue {
  const list = known.length > 0 ? known.join(', ') : '(none)';
  return {
    code: 'E_OVERLAY_UNKNOWN',
    message: requiredBy
      ? `overlay \`${requiredBy.overlay.name}\` requires unknown overlay \`${name}\`.${didYouMeanText(name, known)}`
      : `unknown overlay \`${name}\`.${didYouMeanText(name, known)}`,
    file: requiredBy?.file,
    path: requiredBy ? 'requires' : undefined,
    hint: `Use one of the known overlays: ${list}; or add ${name}.yaml to a folder in \`overlays.dirs\`.`,
    severity: 'error',
  };
}

/** Merges duplicate requests: explicit beats inferred, and the highest confidence is kept. */
function mergeRequests(requested: OverlayRequest[]): Map<string, OverlayRequest> {
  const merged = new Map<string, OverlayRequest>();
  for (const request of requested) {
    const earlier = merged.get(request.name);
    if (!earlier) {
      merged.set(request.name, { ...request });
      continue;
    }
    merged.set(request.name, {
      name: request.name,
      reason: earlier.reason === 'explicit' || request.reason === 'explicit' ? 'explicit' : 'inferred',
      confidence: Math.max(earlier.confidence, request.confidence),
    });
  }
  return merged;
}

/** Every overlay reachable through `requires`, failing on a cycle (named in order) or an unknown name. */
function expand(roots: string[], registry: OverlayRegistry, known: string[]): Map<string, LoadedOverlay> {
  const members = new Map<string, LoadedOverlay>();
  const issues: QlfIssue[] = [];
  const stack: string[] = [];
  const visit = (name: string, requiredBy?: LoadedOverlay): void => {
    const cycleStart = stack.indexOf(name);
    if (cycleStart >= 0) {
      const cycle = [...stack.slice(cycleStart), name].join(' → ');
      throw inputError('E_OVERLAY_CYCLE', `overlays require each other in a cycle: ${cycle}`, {
        hint: `Remove one of the \`requires\` entries along ${cycle}; requirements must form a tree.`,
      });
    }
    if (members.has(name)) return;
    const loaded = registry.get(name);
    if (!loaded) {
      issues.push(unknownIssue(name, known, requiredBy));
      return;
    }
    stack.push(name);
    for (const required of [...loaded.overlay.requires].sort(byName)) visit(required, loaded);
    stack.pop();
    members.set(name, loaded);
  };
  for (const root of roots) visit(root);
  if (issues.length > 0) {
    throw inputError('E_OVERLAY_UNKNOWN', issues.map((issue) => issue.message).join('; '), { issues });
  }
  return members;
}

function conflictIssues(members: Map<string, LoadedOverlay>, requiredBy: Map<string, string[]>): QlfIssue[] {
  const names = [...members.keys()].sort(byName);
  const issues: QlfIssue[] = [];
  const why = (name: string) => {
    const by = requiredBy.get(name) ?? [];
    return by.length > 0 ? ` (required by ${by.join(', ')})` : '';
  };
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      const la = members.get(a)!;
      const lb = members.get(b)!;
      const declaredBy = [la, lb].filter((l) => l.overlay.conflicts.includes(l === la ? b : a));
      if (declaredBy.length === 0) continue;
      issues.push({
        code: 'E_OVERLAY_CONFLICT',
        message: `overlays \`${a}\`${why(a)} and \`${b}\`${why(b)} cannot be applied together: ${declaredBy
          .map((l) => `${l.overlay.name} lists ${l === la ? b : a} in \`conflicts\``)
          .join(' and ')}`,
        file: declaredBy[0]?.file,
        path: 'conflicts',
        hint: `Apply only one of \`${a}\` and \`${b}\`: remove the other from the brief's \`overlays:\`.`,
        severity: 'error',
      });
    }
  }
  return issues;
}

export function resolveOverlays(requested: OverlayRequest[], registry: OverlayRegistry): ResolvedOverlays {
  const known = registry.list().map((loaded) => loaded.overlay.name);
  const requests = mergeRequests(requested);
  const members = expand([...requests.keys()].sort(byName), registry, known);

  const requiredBy = new Map<string, string[]>();
  for (const loaded of members.values()) {
    for (const required of loaded.overlay.requires) {
      requiredBy.set(required, [...(requiredBy.get(required) ?? []), loaded.overlay.name]);
    }
  }
  for (const list of requiredBy.values()) list.sort(byName);

  const conflicts = conflictIssues(members, requiredBy);
  if (conflicts.length > 0) {
    throw inputError('E_OVERLAY_CONFLICT', conflicts.map((issue) => issue.message).join('; '), { issues: conflicts });
  }

  // An overlay is as certain as its request or the most certain overlay that pulls it in (acyclic by now).
  const confidence = new Map<string, number>();
  const confidenceOf = (name: string): number => {
    const cached = confidence.get(name);
    if (cached !== undefined) return cached;
    const value = Math.max(
      requests.get(name)?.confidence ?? 0,
      ...(requiredBy.get(name) ?? []).map((parent) => confidenceOf(parent)),
    );
    confidence.set(name, value);
    return value;
  };

  const overlays: ResolvedOverlay[] = [...members.values()].sort(compareApplicationOrder).map((loaded) => {
    const name = loaded.overlay.name;
    return {
      loaded,
      reason: requests.get(name)?.reason ?? 'required',
      requiredBy: requiredBy.get(name) ?? [],
      confidence: confidenceOf(name),
    };
  });
  return { overlays };
}
