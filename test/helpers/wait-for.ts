/** Polls `probe` every `everyMs` until it returns true; returns the milliseconds it took. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs = 15_000, everyMs = 2): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await probe().catch(() => false)) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
