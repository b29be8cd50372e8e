// Reads how API callers authenticate: JWT, OAuth2, API keys, none; "login" alone suggests JWT with less confidence.
import type { AuthMode } from '../../../schemas/common.js';
import { byDefault, type Finding, inferred, type WarningSink } from './finding.js';
import { scoreTerms } from './score-terms.js';
import type { Doc } from './text-match.js';

const AUTH_TERMS: Record<Exclude<AuthMode, 'none'>, Record<string, number>> = {
  jwt: { jwt: 0.95, 'json web token': 0.95, 'bearer token': 0.8 },
  oauth2: {
    oauth: 0.9,
    oauth2: 0.95,
    openid: 0.9,
    oidc: 0.9,
    sso: 0.8,
    'single sign on': 0.85,
    'sign in with google': 0.85,
  },
  'api-key': { 'api key': 0.9, 'api token': 0.8, 'x api key': 0.95 },
};
const LOGIN_TERMS = {
  login: { login: 0.6, 'log in': 0.6, 'sign in': 0.55, authentication: 0.6, authenticated: 0.6, password: 0.5 },
};
const PUBLIC_TERMS = {
  none: { 'public api': 0.7, unauthenticated: 0.8, anonymous: 0.6, 'open api without': 0.5 },
};

export function detectAuth(doc: Doc, warnings: WarningSink): Finding<AuthMode> {
  const scores = scoreTerms(doc, AUTH_TERMS).filter((s) => s.score >= 0.5);
  if (scores.length > 1) {
    warnings.add(
      'W_AUTH_AMBIGUOUS',
      `the description names several ways to authenticate (${scores.map((s) => s.key).join(', ')}); chose ${scores[0]?.key}. Set \`api.auth\` to decide.`,
      { path: 'api.auth' },
    );
  }
  const best = scores[0];
  if (best) return inferred<AuthMode>(best.key, best.score, best.spans[0]);
  const [login] = scoreTerms(doc, LOGIN_TERMS);
  if (login && login.score >= 0.5) return inferred<AuthMode>('jwt', Math.min(0.7, login.score), login.spans[0]);
  const [open] = scoreTerms(doc, PUBLIC_TERMS);
  if (open && open.score >= 0.5) return inferred<AuthMode>('none', open.score, open.spans[0]);
  if (login?.negatedOnly) return inferred<AuthMode>('none', 0.8, login.negatedSpans[0]);
  return byDefault<AuthMode>('none', 0.5);
}
