// Test-only faults for the hardening suite, enabled by LINE_SERVER_TEST_FAULTS (e.g.
// "crash-line=5,hang-line=7"): a lookup of that 0-based line kills or hangs its worker.
// Production never sets it; parsing an unset plan costs nothing per lookup.

export interface FaultPlan {
  readonly crashLine: number | undefined
  readonly hangLine: number | undefined
}

export function parseFaultPlan (text: string | undefined): FaultPlan | undefined {
  if (text === undefined || text === '') return undefined
  const fields = new Map(text.split(',').map((pair) => pair.split('=') as [string, string]))
  const number = (key: string): number | undefined => fields.has(key) ? Number(fields.get(key)) : undefined
  return { crashLine: number('crash-line'), hangLine: number('hang-line') }
}

export function applyFaults (plan: FaultPlan, lineIndexes: Float64Array): void {
  if (plan.crashLine !== undefined && lineIndexes.includes(plan.crashLine)) process.exit(70)
  if (plan.hangLine !== undefined && lineIndexes.includes(plan.hangLine)) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
  }
}
