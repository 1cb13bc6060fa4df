/**
 * L7: a progress line on stderr, shown only in a terminal and only for work big enough to wait on.
 */
export interface Progress {
  /** Adds `n` done units. */
  tick(n: number): void;
  done(): void;
}

export function createProgress(
  label: string,
  options: { total?: number; stream?: NodeJS.WriteStream; minUnits?: number } = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const minUnits = options.minUnits ?? 300;
  const enabled = Boolean(stream.isTTY);
  const start = Date.now();
  let count = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = (final: boolean): void => {
    const secs = (Date.now() - start) / 1000;
    const rate = secs > 0 ? count / secs : 0;
    const total = options.total;
    let bar = "";
    if (total && total > 0) {
      const frac = Math.min(1, count / total);
      const width = 24;
      const filled = Math.round(frac * width);
      bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0)}% `;
    }
    stream.write(
      `\r${label} ${bar}${count}${total ? `/${total}` : ""} (${rate.toFixed(0)}/s, ${secs.toFixed(0)}s)${final ? "\n" : ""}`,
    );
    drawn = true;
  };
  return {
    tick(n) {
      count += n;
      if (!enabled || count < minUnits) return;
      const now = Date.now();
      if (now - lastDraw > 200) {
        lastDraw = now;
        draw(false);
      }
    },
    done() {
      if (enabled && drawn) draw(true);
    },
  };
}
