// The security half of applying overlays: controls merged by priority, explicit brief values over them (with a
// warning when one weakens a compliance control), and the API's auth raised to the strictest required minimum.
import type { AuthMode } from '../../schemas/common.js';
import type { IR, IRWarning, OverlayDecision } from '../../schemas/ir.js';
import type { Controls } from '../../schemas/overlay.js';
import { type MergedSetting, mergeSettings, sameValue } from './merge-settings.js';
import type { ResolvedOverlay } from './types.js';

/** Who wins a setting the brief gave explicitly. */
export const BRIEF = 'brief';

const AUTH_RANK: Record<AuthMode, number> = { none: 0, 'api-key': 1, jwt: 2, oauth2: 2 };

/** The controls a brief can set itself (its `security` block). */
const BRIEF_SECURITY_KEYS = ['encryptionAtRest', 'rateLimitPerMinute', 'auditLog'] as const;

/**
 * Controls the brief set explicitly, when the caller did not say: an earlier application's "brief won" decisions
 * (so applying twice changes nothing), and on a fresh IR the optional security controls it already holds. A
 * brief's `auditLog: false` cannot be told from the default here; pass `explicit` to honour it.
 */
export function inferExplicitControls(ir: IR): Partial<Controls> {
  const explicit: Record<string, unknown> = {};
  for (const decision of ir.overlays.decisions) {
    if (decision.winner === BRIEF && decision.setting.startsWith('controls.')) {
      explicit[decision.setting.slice('controls.'.length)] = decision.value;
    }
  }
  if (ir.overlays.applied.length === 0) {
    for (const key of BRIEF_SECURITY_KEYS) {
      if (key !== 'auditLog' && ir.controls[key] !== undefined) explicit[key] = ir.controls[key];
    }
  }
  return explicit as Partial<Controls>;
}

/** Whether `explicit` is a weaker setting of `key` than `required`. */
function weakens(key: string, explicit: unknown, required: unknown): boolean {
  if (typeof required === 'boolean') return required && explicit === false;
  if (key === 'minAuth') return AUTH_RANK[explicit as AuthMode] < AUTH_RANK[required as AuthMode];
  if (key === 'rateLimitPerMinute') return (explicit as number) > (required as number);
  if (key === 'retentionDays') return (explicit as number) < (required as number);
  return false;
}

export function applyControls(
  draft: IR,
  order: ResolvedOverlay[],
  explicit: Partial<Controls>,
  warnings: IRWarning[],
): OverlayDecision[] {
  const merged = mergeSettings(
    order.map((e) => ({ overlay: e.loaded.overlay.name, values: e.loaded.overlay.controls })),
  );
  const typeOf = new Map(order.map((e) => [e.loaded.overlay.name, e.loaded.overlay.type]));
  const decisions: OverlayDecision[] = [];
  const controls: Record<string, unknown> = { ...draft.controls };
  for (const [key, setting] of merged) controls[key] = setting.value;
  for (const [key, value] of Object.entries(explicit)) {
    if (value === undefined) continue;
    const setting = merged.get(key);
    controls[key] = value;
    if (!setting) continue;
    const setters: MergedSetting['overruled'] = [
      ...setting.overruled,
      { overlay: setting.winner, value: setting.value },
    ];
    const overruled = setters.filter((s) => !sameValue(s.value, value));
    if (overruled.length === 0) continue;
    decisions.push({ setting: `controls.${key}`, value, winner: BRIEF, overruled });
    const weakened = overruled.filter((s) => typeOf.get(s.overlay) === 'compliance' && weakens(key, value, s.value));
    if (weakened.length > 0) {
      const required = weakened.map((s) => `${s.overlay} requires ${JSON.stringify(s.value)}`).join(', ');
      warnings.push({
        code: 'W_OVERLAY_CONTROL_WEAKENED',
        message: `the brief sets ${key}: ${JSON.stringify(value)}, weaker than compliance requires (${required}); the brief wins. Remove it from the brief's \`security\` block unless the weaker setting is deliberate and accepted.`,
        path: `security.${key}`,
      });
    }
  }
  for (const [key, setting] of merged) {
    if (setting.overruled.length > 0 && !(key in explicit && explicit[key as keyof Controls] !== undefined)) {
      decisions.push({
        setting: `controls.${key}`,
        value: setting.value,
        winner: setting.winner,
        overruled: setting.overruled,
      });
    }
  }
  draft.controls = controls as IR['controls'];
  const auth = raiseAuth(draft, merged.get('minAuth')?.winner ?? 'controls', warnings);
  return auth ? [...decisions, auth] : decisions;
}

/** Raises `api.auth` to `controls.minAuth` when it is weaker (none < api-key < jwt, oauth2). */
function raiseAuth(draft: IR, winner: string, warnings: IRWarning[]): OverlayDecision | undefined {
  const minimum = draft.controls.minAuth;
  const current = draft.api.auth;
  if (AUTH_RANK[current.value] >= AUTH_RANK[minimum]) return undefined;
  if (current.origin === 'explicit') {
    warnings.push({
      code: 'W_OVERLAY_AUTH_RAISED',
      message: `the brief asks for api.auth: ${current.value}, but the ${winner} overlay requires at least ${minimum}; using ${minimum}. Set \`api.auth: ${minimum}\` in the brief to make this explicit.`,
      path: 'api.auth',
    });
  }
  draft.api.auth = { value: minimum, confidence: 1, origin: 'overlay', source: winner };
  return {
    setting: 'api.auth',
    value: minimum,
    winner,
    overruled: [{ overlay: current.origin === 'explicit' ? BRIEF : current.origin, value: current.value }],
  };
}
