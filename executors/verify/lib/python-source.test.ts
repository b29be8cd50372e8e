import { describe, expect, it } from 'vitest';
import { classBlocks, columnLines, routes, sqlColumnLines } from './python-source.js';

describe('routes', () => {
  it('reads decorators with a router prefix, including wrapped ones', () => {
    const source = [
      'from fastapi import APIRouter',
      'router = APIRouter(prefix="/payments", tags=["payments"])',
      '',
      '@router.get("/{payment_id}")',
      'def get_one(): ...',
      '',
      '@router.post(',
      '    "",',
      '    status_code=201,',
      ')',
      'def create(): ...',
      '@app.get("/health")',
      'def health(): ...',
    ].join('\n');
    expect(routes(source)).toEqual([
      { method: 'GET', path: '/payments/{payment_id}', line: 4 },
      { method: 'POST', path: '/payments', line: 7 },
      { method: 'GET', path: '/health', line: 12 },
    ]);
  });
});

describe('model reading', () => {
  const models = [
    'import sqlalchemy as sa',
    '',
    'class Card(Base):',
    '    __tablename__ = "cards"',
    '    number = sa.Column(sa.String())',
    '    holder: Mapped[str] = mapped_column(String)',
    '',
    'class Other(Base):',
    '    number = Column(String)',
  ].join('\n');

  it('splits classes and finds plain columns in either SQLAlchemy style', () => {
    const [card, other] = classBlocks(models);
    expect(card!.name).toBe('Card');
    expect(columnLines(card!.lines, 'number')).toEqual([5]);
    expect(columnLines(card!.lines, 'holder')).toEqual([6]);
    expect(columnLines(other!.lines, 'number')).toEqual([9]);
    expect(columnLines(card!.lines, 'number_encrypted')).toEqual([]);
  });

  it('finds SQL column definitions, quoted or not, and ALTER TABLE additions', () => {
    const sql =
      'CREATE TABLE cards (\n  id INTEGER,\n  "number" TEXT,\n  number_encrypted TEXT\n);\nALTER TABLE cards ADD COLUMN number TEXT;';
    expect(sqlColumnLines(sql, 'number')).toEqual([3, 6]);
  });
});
