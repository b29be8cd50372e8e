// Table-driven checks of entities named by README prose (lists, "X management", feature bullets) and of the words
// that must never become entities (acronyms, verbs, adjectives, a README's own parts).
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { WarningSink } from './finding.js';

const entities = (text: string) => analyze(text, new WarningSink()).entities.map((e) => e.name);

describe('entities named by README prose', () => {
  it.each([
    [
      'An API for managing logistics operations, including users, parcels, vehicles and journeys.',
      ['Journey', 'Parcel', 'User', 'Vehicle'],
    ],
    ['A backend for handling tenants, leases and maintenance requests.', ['Lease', 'MaintenanceRequest', 'Tenant']],
    ['The service stores data such as vehicles, routes and fuel stations.', ['FuelStation', 'Route', 'Vehicle']],
    ['Features: Room management, Guest management, Invoice CRUD.', ['Guest', 'Invoice', 'Room']],
    ['The app is designed to manage:\n- Book details\n- Library members\n- Loan records', ['Book', 'Loan', 'Member']],
    ['Features:\n- Manage hotel rooms and reservations\n- Add new books to the shelf', ['Book', 'Booking', 'Room']],
    [
      'The system allows customers to create bookings, select cars and make payments.',
      ['Booking', 'Car', 'Customer', 'Payment'],
    ],
    ['Users can sign up, log in, credit their wallets and send money.', ['User', 'Wallet']],
  ])('%j names %j', (text, expected) => {
    expect(entities(text)).toEqual(expected);
  });

  it.each([
    ['Main capability: multi-tenant RBAC/ABAC for every workspace. Update: invoices can be voided.', ['Invoice']],
    ['This project provides the backend for a shop where customers place orders.', ['Customer', 'Order']],
    ['This repository contains the source code and documentation of a ticket API.', ['Ticket']],
    ['A library management system for borrowing books.', ['Book']],
    ['Built with PocketBase and MongoDB; supports JWT login and CRUD. Customers place orders.', ['Customer', 'Order']],
    ['Users post content (text and photos) and follow each other.', []],
  ])('%j invents nothing beyond %j', (text, expected) => {
    expect(entities(text)).toEqual(expected);
  });

  it('reports, rather than models, unknown nouns in an instruction', () => {
    const warnings = new WarningSink();
    const analysis = analyze('Track widgets, gizmos and customers.', warnings);
    expect(analysis.entities.map((e) => e.name)).toEqual(['Customer']);
    expect(warnings.items.filter((w) => w.code === 'W_ENTITY_DROPPED').map((w) => w.span?.text)).toEqual([
      'widgets',
      'gizmos',
    ]);
  });
});
