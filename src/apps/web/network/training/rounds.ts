/**
 * The live run's state as the view shows it: one pure reducer over the events
 * the rounds code emits (runTraining.ts), so what the page says — rounds run and
 * skipped, bytes up and down per hospital and in total, accuracy per round,
 * wall time — is derived from what happened and nothing else, and is unit
 * tested without workers.
 */

export type Method = 'ridge' | 'fedavg';

export interface RoundRow {
  round: number;
  state: 'open' | 'closed' | 'skipped';
  /** seats whose ciphertexts entered the sum (or arrived before a skip) */
  contributors: number[];
  /** seats that sat this round out, or came after its deadline and were refused */
  absent: number[];
  /** per seat: bytes sent / received this round */
  bytesUp: number[];
  bytesDown: number[];
  /** accuracy of the head after this round on the test images (undefined until evaluated) */
  accuracy?: number;
  /** the pooled hold-out accuracy of the head the round started from, read from the decrypted sum */
  holdOutAccuracy?: number;
  ms?: number;
}

export interface RunState {
  method: Method;
  phase: 'idle' | 'running' | 'done' | 'failed' | 'stopped';
  seats: number;
  rows: RoundRow[];
  startedAt?: number;
  wallMs?: number;
  message?: string;
  /** ridge: the λ chosen on the pooled hold-out */
  lambda?: number;
}

export type RunEvent =
  | { type: 'started'; at: number }
  | { type: 'roundOpened'; round: number; at: number }
  | { type: 'contributed'; round: number; seat: number; bytes: number }
  | { type: 'absent'; round: number; seat: number }
  | { type: 'closed'; round: number; bytesDown: number; receivers: number[] }
  | { type: 'skipped'; round: number }
  | { type: 'evaluated'; round: number; accuracy: number; holdOutAccuracy?: number; lambda?: number }
  | { type: 'roundEnded'; round: number; at: number }
  | { type: 'finished'; at: number; phase: 'done' | 'failed' | 'stopped'; message?: string };

export function initialRun(method: Method, seats: number): RunState {
  return { method, phase: 'idle', seats, rows: [] };
}

function updateRow(state: RunState, round: number, change: (row: RoundRow) => RoundRow): RunState {
  return { ...state, rows: state.rows.map((r) => (r.round === round ? change(r) : r)) };
}

const addAt = (values: number[], seat: number, bytes: number) => values.map((v, i) => (i === seat ? v + bytes : v));

export function runReducer(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'started':
      return { ...initialRun(state.method, state.seats), phase: 'running', startedAt: event.at };
    case 'roundOpened': {
      const zeros = Array.from({ length: state.seats }, () => 0);
      const row: RoundRow = {
        round: event.round,
        state: 'open',
        contributors: [],
        absent: [],
        bytesUp: zeros,
        bytesDown: zeros,
        ms: -event.at, // the start time until the round ends (roundEnded adds the end time)
      };
      return { ...state, rows: [...state.rows.filter((r) => r.round !== event.round), row] };
    }
    case 'contributed':
      return updateRow(state, event.round, (r) => ({
        ...r,
        contributors: [...r.contributors, event.seat].sort((a, b) => a - b),
        bytesUp: addAt(r.bytesUp, event.seat, event.bytes),
      }));
    case 'absent':
      return updateRow(state, event.round, (r) => ({ ...r, absent: [...r.absent, event.seat].sort((a, b) => a - b) }));
    case 'closed':
      return updateRow(state, event.round, (r) => ({
        ...r,
        state: 'closed',
        bytesDown: r.bytesDown.map((v, i) => (event.receivers.includes(i) ? v + event.bytesDown : v)),
      }));
    case 'skipped':
      return updateRow(state, event.round, (r) => ({ ...r, state: 'skipped' }));
    case 'evaluated':
      return {
        ...updateRow(state, event.round, (r) => ({
          ...r,
          accuracy: event.accuracy,
          holdOutAccuracy: event.holdOutAccuracy,
        })),
        lambda: event.lambda ?? state.lambda,
      };
    case 'roundEnded':
      return updateRow(state, event.round, (r) => ({ ...r, ms: (r.ms ?? 0) + event.at }));
    case 'finished':
      return {
        ...state,
        phase: event.phase,
        message: event.message,
        wallMs: state.startedAt === undefined ? undefined : event.at - state.startedAt,
      };
  }
}

export interface RunTotals {
  roundsRun: number;
  roundsSkipped: number;
  bytesUp: number[];
  bytesDown: number[];
  totalUp: number;
  totalDown: number;
  /** accuracy of the last evaluated round */
  lastAccuracy?: number;
}

export function runTotals(state: RunState): RunTotals {
  const bytesUp = Array.from({ length: state.seats }, () => 0);
  const bytesDown = Array.from({ length: state.seats }, () => 0);
  for (const r of state.rows) {
    r.bytesUp.forEach((b, i) => (bytesUp[i] += b));
    r.bytesDown.forEach((b, i) => (bytesDown[i] += b));
  }
  const evaluated = state.rows.filter((r) => r.accuracy !== undefined);
  return {
    roundsRun: state.rows.filter((r) => r.state === 'closed').length,
    roundsSkipped: state.rows.filter((r) => r.state === 'skipped').length,
    bytesUp,
    bytesDown,
    totalUp: bytesUp.reduce((a, b) => a + b, 0),
    totalDown: bytesDown.reduce((a, b) => a + b, 0),
    lastAccuracy: evaluated.at(-1)?.accuracy,
  };
}

/** "1.2 MB", "340 KB", "512 B": decimal units, as the figures are quoted. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes >= 1e7 ? 0 : 1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} B`;
}
