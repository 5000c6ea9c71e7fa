// Polling helpers for tests that wait on other processes (scrapes, health checks).

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `check` every 250 ms until it resolves true; throws naming `what` after `timeoutMs`. */
export async function until (check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await sleep(250)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)
}
