/**
 * A progress bar on stderr, drawn by hand: redrawn in place with `\r` on a terminal, one plain
 * line per step elsewhere (CI logs, pipes), and a spinner with elapsed time while a step runs.
 * It only ever shows work that has actually finished.
 */
import type { Output } from './io.js';

/** What a command reports while it works. */
export interface Progress {
  /** `done` of `total` steps have finished; `note` follows the bar (e.g. `12 events`). */
  update(done: number, note?: string): void;
  /** Ends the bar (a newline on a terminal) and stops the spinner. */
  finish(): void;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_WIDTH = 24;
/** Redraw rate of the spinner: fast enough to look alive, slow enough to cost nothing. */
const SPIN_INTERVAL_MS = 100;

/** The bar itself, e.g. `[██████░░░░░░]  50% 5/10`. */
export function renderBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
}

/** Starts a bar of `total` steps labelled `label`. */
export function createProgress(io: Output, label: string, total: number): Progress {
  const tty = io.isTTY === true && io.progress !== undefined;
  const startMs = Date.now();
  let state = { done: 0, note: '' };
  let frame = 0;
  const line = () => {
    const seconds = ((Date.now() - startMs) / 1000).toFixed(1);
    const spinner = state.done < total ? `${SPINNER[frame % SPINNER.length]} ` : '✔ ';
    return `${spinner}${label} ${renderBar(state.done, total)}${state.note ? `  ${state.note}` : ''}  ${seconds}s`;
  };
  const draw = () => io.progress!(`\r\x1b[2K${line()}`);
  const timer = tty ? setInterval(() => ((frame += 1), draw()), SPIN_INTERVAL_MS) : undefined;
  timer?.unref();
  if (tty) draw();
  else io.err(line());
  return {
    update(done, note = '') {
      state = { done, note };
      if (tty) draw();
      else io.err(line());
    },
    finish() {
      if (timer) clearInterval(timer);
      if (tty) io.progress!(`\r\x1b[2K${line()}\n`);
    },
  };
}
