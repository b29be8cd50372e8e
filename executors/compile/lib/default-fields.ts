// Fields an entity gets when the description names none: enough for a useful first model, marked origin `default`.

import { own } from '../../../core/naming.js';
import type { FieldType } from '../../../schemas/common.js';

export const DEFAULT_FIELDS: Record<string, [string, FieldType][]> = {
  Customer: [
    ['name', 'string'],
    ['email', 'email'],
  ],
  Payment: [
    ['amount', 'decimal'],
    ['currency', 'string'],
    ['status', 'string'],
  ],
  Refund: [
    ['amount', 'decimal'],
    ['reason', 'text'],
  ],
  Transaction: [
    ['amount', 'decimal'],
    ['currency', 'string'],
  ],
  Invoice: [
    ['number', 'string'],
    ['total', 'decimal'],
    ['due_date', 'date'],
  ],
  Order: [
    ['status', 'string'],
    ['total', 'decimal'],
  ],
  Product: [
    ['name', 'string'],
    ['price', 'decimal'],
  ],
  LineItem: [
    ['quantity', 'integer'],
    ['unit_price', 'decimal'],
  ],
  Patient: [
    ['name', 'string'],
    ['date_of_birth', 'date'],
  ],
  Encounter: [
    ['occurred_at', 'datetime'],
    ['reason', 'text'],
  ],
  Practitioner: [
    ['name', 'string'],
    ['specialty', 'string'],
  ],
  Appointment: [
    ['scheduled_at', 'datetime'],
    ['status', 'string'],
  ],
  Note: [['body', 'text']],
  Contact: [
    ['name', 'string'],
    ['email', 'email'],
  ],
  MedicalRecord: [['summary', 'text']],
  Review: [
    ['rating', 'integer'],
    ['body', 'text'],
  ],
  Comment: [['body', 'text']],
  Message: [['body', 'text']],
  Shipment: [
    ['tracking_number', 'string'],
    ['status', 'string'],
  ],
  Booking: [
    ['starts_at', 'datetime'],
    ['status', 'string'],
  ],
  Ticket: [
    ['subject', 'string'],
    ['status', 'string'],
  ],
  Reading: [
    ['value', 'decimal'],
    ['recorded_at', 'datetime'],
  ],
};

export function defaultFieldsFor(entity: string): [string, FieldType][] {
  return own(DEFAULT_FIELDS, entity) ?? [['name', 'string']];
}
