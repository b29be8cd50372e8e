import { describe, expect, it } from 'vitest';
import { clinicIr, notesIr, paymentsIr, withPagination } from '../../../testing/sample-irs.js';
import pytestTests from './pytest-tests.js';

const ctx = { qlfVersion: '1.0.0' };
const files = (ir = paymentsIr()) => new Map(pytestTests.generate(ir, ctx).map((f) => [f.path, f.content]));
const testNames = (source = '') => [...source.matchAll(/^def (test_\w+)/gm)].map((m) => m[1]);

describe('pytest-tests agent', () => {
  it('writes one test module per entity plus conftest, health, auth and overlays', () => {
    expect([...files().keys()]).toEqual([
      'tests/__init__.py',
      'tests/conftest.py',
      'tests/contract.py',
      'tests/samples.py',
      'tests/test_accounts.py',
      'tests/test_audit_events.py',
      'tests/test_auth.py',
      'tests/test_consent_records.py',
      'tests/test_customers.py',
      'tests/test_health.py',
      'tests/test_hostile.py',
      'tests/test_metrics.py',
      'tests/test_orders.py',
      'tests/test_overlays.py',
      'tests/test_payments.py',
      'tests/test_products.py',
    ]);
    expect(files(notesIr()).has('tests/test_auth.py')).toBe(false);
  });

  it('tests every overlay effect the payments service carries', () => {
    expect(testNames(files().get('tests/test_overlays.py'))).toEqual([
      'test_account_iban_is_stored_encrypted',
      'test_account_iban_in_responses',
      'test_payment_card_number_is_stored_encrypted',
      'test_payment_card_number_in_responses',
      'test_audit_trail_records_every_access',
      'test_idempotency_key_replays_the_first_response',
      'test_idempotency_key_with_another_body_is_409',
      'test_decimal_total_is_exact_and_a_string',
      'test_decimal_total_rejects_extra_places',
      'test_data_subject_export_returns_every_record',
      'test_data_subject_erasure_removes_every_record',
      'test_retention_purges_only_expired_records',
      'test_rate_limit_answers_429',
      'test_logs_redact_classified_fields',
    ]);
    expect(testNames(files(notesIr()).get('tests/test_overlays.py'))).toEqual([]);
  });

  it('covers CRUD, validation, conflicts, relations and auth per entity', () => {
    const names = testNames(files().get('tests/test_orders.py'));
    for (const name of [
      'test_create_returns_201_and_the_record',
      'test_list_paginates',
      'test_delete_returns_204_then_404',
      'test_missing_record_is_404',
      'test_missing_required_field_is_422',
      'test_wrong_type_is_422',
      'test_unknown_customer_id_is_422',
      'test_product_ids_links_and_unlinks',
      'test_requires_credentials',
    ]) {
      expect(names).toContain(name);
    }
    expect(testNames(files().get('tests/test_customers.py'))).toContain('test_duplicate_unique_value_is_409');
  });

  it.each([
    ['offset', ['test_list_paginates', 'test_list_rejects_out_of_range_limits', 'test_list_filters_by_exact_match']],
    [
      'cursor',
      [
        'test_list_walks_every_page_with_the_cursor',
        'test_list_of_nothing_is_one_empty_page',
        'test_list_cursor_outlives_the_record_it_points_at',
        'test_list_rejects_a_malformed_cursor',
        'test_list_rejects_out_of_range_limits',
        'test_list_filters_work_with_the_cursor',
      ],
    ],
    ['none', ['test_list_returns_every_record', 'test_list_filters_by_exact_match']],
  ] as const)('tests listing as pagination %s asks', (mode, expected) => {
    const out = files(withPagination(paymentsIr(), mode));
    const names = testNames(out.get('tests/test_orders.py'));
    expect(names.filter((name) => name?.startsWith('test_list'))).toEqual(expected);
    const audit = testNames(out.get('tests/test_audit_events.py'));
    expect(audit.includes('test_list_rejects_a_malformed_cursor')).toBe(mode === 'cursor');
    const overlays = out.get('tests/test_overlays.py') ?? '';
    // The idempotency tests count records: by the page total where there is one.
    expect(overlays).toContain(
      mode === 'offset' ? 'client.get(path).json()["total"] == 1' : 'len(client.get(path).json()["items"]) == 1',
    );
    for (const [path, content] of out) {
      if (mode !== 'offset') expect(content, path).not.toMatch(/"offset"|page\["total"\]/);
    }
  });

  it('sets secrets from `secrets` at test time, never as literals', () => {
    const conftest = files().get('tests/conftest.py') ?? '';
    expect(conftest).toContain('os.environ["JWT_SECRET"] = secrets.token_urlsafe(48)');
    expect(conftest).toContain('os.environ["DATA_ENCRYPTION_KEY"] = Fernet.generate_key()');
    expect(files(clinicIr()).get('tests/conftest.py')).toContain('TEST_API_KEY = secrets.token_urlsafe(32)');
  });

  it('uses sample values that satisfy the field patterns', () => {
    expect(files(clinicIr()).get('tests/samples.py')).toContain('"mrn": "MRN000000"');
  });
});
