/**
 * Median milliseconds of one call of `fn`. Calls shorter than a millisecond
 * are timed in batches (sized so a batch takes about 1 ms) and divided, so the
 * clock's own cost does not swamp a microsecond computation.
 */
export function medianMs(fn: () => void, minTime = 300, maxRuns = 2000): number {
  fn();
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - t0 >= 1 || batch >= 1 << 20) break;
    batch *= 2;
  }
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < minTime && times.length < maxRuns)) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    times.push((performance.now() - t0) / batch);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
