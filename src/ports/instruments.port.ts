import type { PointFundamentals } from '../picks/screening.js';
import type { Instrument } from '../domain/types.js';

/** Symbols and their descriptive data. */
export interface InstrumentRepository {
  /** Store the symbol master (insert or update each symbol); returns how many were given. */
  upsertMany(instruments: Instrument[]): Promise<number>;
  /** Every stored instrument, by symbol. */
  list(): Promise<Instrument[]>;
  /** When the symbol master was last stored (the latest `upsertMany`), or null when nothing is stored. */
  refreshedAt(): Promise<Date | null>;
  /** The sector of each of `symbols` that is stored (null where it has none). */
  sectorsOf(symbols: readonly string[]): Promise<Map<string, string | null>>;
  /** Every sector some stored instrument has, sorted. */
  sectorNames(): Promise<string[]>;
  /** Every stored fundamentals row the screening reads, each with the day it was first stored. */
  fundamentalsHistory(): Promise<Array<PointFundamentals & { symbol: string }>>;
}
