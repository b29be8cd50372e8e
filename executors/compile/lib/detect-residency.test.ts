// Table-driven checks of GDPR evidence from where people live: places and peoples of the EU, negation, languages.
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { WarningSink } from './finding.js';

const gdpr = (text: string) => analyze(text, new WarningSink()).compliance.some((c) => c.value === 'gdpr');

describe('EU residency as GDPR evidence', () => {
  it.each([
    'An online shop for customers across the EU.',
    'Our users in Germany and France keep shopping lists.',
    'A booking tool for European customers.',
    'Membership software for a German club: members pay yearly fees.',
    'Case management for Dutch non-profit organisations and their volunteers.',
    'Patients of physiotherapy practices in Austria book appointments.',
    'People sign up from Spain, Italy and the Netherlands.',
  ])('reads GDPR from %j', (text) => {
    expect(gdpr(text)).toBe(true);
  });

  it.each([
    'We sell to customers outside the EU only.',
    'We do not serve customers in the EU; members are in Canada.',
    'The UI is available in German and French. Users can save recipes.',
    'Our servers run in eu-west-1 and users log in.',
    'Temperature sensors in German factories report readings.',
    'An online shop for customers in Canada and the United States.',
  ])('reads no GDPR from %j', (text) => {
    expect(gdpr(text)).toBe(false);
  });
});
