/**
 * `ray.progress(refs, { label })`: the values of `refs` in order, like
 * `ray.get(refs)`, while a progress bar on the driver shows how many have
 * finished (as Ray's `tqdm_ray` does for distributed work).
 *
 * Where it draws: `stream` (default `process.stderr`). On a TTY one line is
 * redrawn in place (`\r`), at most every {@link REDRAW_MS} ms and once at the
 * end, then a newline. Anywhere else (a log file, CI) redrawing would litter
 * the output, so it writes a plain line each time another `every` percent is
 * done (default 10; 0 writes nothing).
 *
 * Errors: as `ray.get`, the first failed ref (in the order they finish)
 * rejects the whole call; the bar's line is ended first so the error starts
 * on a fresh line.
 */
import { get, wait, type ValuesOf } from "../api/api.js";
import type { ObjectRef } from "../api/object-ref.js";
import { InvalidArgumentError } from "../common/errors.js";
import { describe } from "../scheduler/options-validation.js";

/** The part of a stream the bar uses (`process.stderr` fits; tests pass a fake). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Shown before the bar, e.g. the kind of work. Default "progress". */
  readonly label?: string;
  /** Where to draw. Default `process.stderr`. */
  readonly stream?: ProgressStream;
  /** Off a TTY: write a line each time this many more percent are done (0: nothing). Default 10. */
  readonly every?: number;
}

/** Least time between two redraws on a TTY, so thousands of small tasks do not flood the terminal. */
export const REDRAW_MS = 100;
const BAR_WIDTH = 30;

/** As `ray.get(refs)`, showing progress as the refs finish. */
export async function progress<const R extends readonly ObjectRef<unknown>[]>(
  refs: R,
  options: ProgressOptions = {},
): Promise<ValuesOf<R>> {
  if (!Array.isArray(refs)) throw new InvalidArgumentError(`ray.progress() takes a list of ObjectRefs, got ${describe(refs)}.`);
  const bar = new Bar(refs.length, options);
  // One wait per distinct ref: ray.wait refuses duplicates, and a value is the same wherever its ref appears.
  const byId = new Map<string, ObjectRef<unknown>>();
  for (const r of refs as readonly ObjectRef<unknown>[]) byId.set(r.id, r);
  const values = new Map<string, unknown>();
  let pending = [...byId.values()];
  bar.draw(0);
  try {
    while (pending.length > 0) {
      await wait(pending, { numReturns: 1 });
      // Take every ref that is ready by now, not just the first, so a burst costs one round.
      const [ready, notReady] = await wait(pending, { numReturns: pending.length, timeout: 0 });
      const got = await get(ready);
      ready.forEach((r, i) => values.set(r.id, got[i]));
      pending = notReady;
      bar.draw(countDone(refs, values));
    }
  } finally {
    bar.end();
  }
  return (refs as readonly ObjectRef<unknown>[]).map((r) => values.get(r.id)) as never;
}

function countDone(refs: readonly ObjectRef<unknown>[], values: ReadonlyMap<string, unknown>): number {
  let n = 0;
  for (const r of refs) if (values.has(r.id)) n++;
  return n;
}

/** Draws `done/total` to a stream; knows nothing of refs. */
class Bar {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #label: string;
  readonly #every: number;
  readonly #started = Date.now();
  #lastDraw = -Infinity;
  #lastStep = -1;
  #done = 0;
  #drawnDone = -1;
  #open = false;
  #trailing: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly total: number, options: ProgressOptions) {
    const every = options.every ?? 10;
    if (typeof every !== "number" || !(every >= 0)) {
      throw new InvalidArgumentError(`ray.progress(): every must be a percentage ≥ 0, got ${describe(every)}.`);
    }
    this.#stream = options.stream ?? process.stderr;
    this.#tty = this.#stream.isTTY === true;
    this.#label = options.label ?? "progress";
    this.#every = every;
  }

  draw(done: number): void {
    this.#done = done;
    const now = Date.now();
    if (this.#tty) {
      if (done < this.total && now - this.#lastDraw < REDRAW_MS) {
        this.#trailing ??= setTimeout(() => {
          this.#trailing = undefined;
          this.draw(this.#done);
        }, REDRAW_MS - (now - this.#lastDraw));
        this.#trailing.unref();
        return;
      }
      clearTimeout(this.#trailing);
      this.#trailing = undefined;
      this.#lastDraw = now;
      this.#drawnDone = done;
      this.#stream.write(`\r${this.#line(done, now)}`);
      this.#open = true;
      return;
    }
    if (this.#every === 0) return;
    const percent = this.total === 0 ? 100 : (100 * done) / this.total;
    const step = Math.floor(percent / this.#every);
    if (step === this.#lastStep) return;
    this.#lastStep = step;
    this.#drawnDone = done;
    this.#stream.write(`${this.#line(done, now)}\n`);
  }

  /** Shows the last count if it was skipped, and ends the TTY line. */
  end(): void {
    if (!this.#tty) return;
    clearTimeout(this.#trailing);
    this.#trailing = undefined;
    if (this.#drawnDone !== this.#done) this.#stream.write(`\r${this.#line(this.#done, Date.now())}`);
    if (this.#open) this.#stream.write("\n");
    this.#open = false;
  }

  #line(done: number, now: number): string {
    const fraction = this.total === 0 ? 1 : done / this.total;
    const seconds = ((now - this.#started) / 1000).toFixed(1);
    const counts = `${done}/${this.total} ${Math.floor(fraction * 100)}% ${seconds}s`;
    if (!this.#tty) return `${this.#label}: ${counts}`;
    const width = Math.max(0, Math.min(BAR_WIDTH, (this.#stream.columns || 80) - this.#label.length - counts.length - 5));
    const filled = Math.round(fraction * width);
    return `${this.#label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${counts}`;
  }
}
