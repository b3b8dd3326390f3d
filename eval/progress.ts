/**
 * A progress bar on stderr for long runs. Only drawn on a TTY (a CI log gets no carriage-return
 * noise) and at most every 100 ms; `--no-progress` turns it off.
 */

/** Returns an onProgress callback and a `done()` that clears the line. */
export function progressBar(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): {
  update: (done: number, total: number) => void;
  done: () => void;
} {
  const active = enabled && stream.isTTY === true;
  let last = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update(done, total) {
      if (!active) return;
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      const width = 30;
      const frac = total === 0 ? 1 : done / total;
      const filled = Math.round(frac * width);
      const secs = ((now - started) / 1000).toFixed(1);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} rows ${secs}s`);
      drawn = true;
    },
    done() {
      if (active && drawn) stream.write('\r\x1b[2K');
    },
  };
}
