// A log-bucketed latency histogram (1% relative precision, 1 µs to ~1 h) for the load worker,
// so latencies can be recorded for the measured window only (autocannon's own histogram also
// holds the warm-up).
const GROWTH = 1.01
const LOG_GROWTH = Math.log(GROWTH)
const BUCKETS = Math.ceil(Math.log(3.6e9) / LOG_GROWTH) + 1

export interface LatencySummary {
  readonly count: number
  readonly meanMs: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly p999Ms: number
  readonly maxMs: number
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS)
  private total = 0
  private sumMs = 0
  private maxMs = 0

  record (ms: number): void {
    const micros = Math.max(1, ms * 1000)
    const bucket = Math.min(BUCKETS - 1, Math.floor(Math.log(micros) / LOG_GROWTH))
    this.counts[bucket]!++
    this.total++
    this.sumMs += ms
    if (ms > this.maxMs) this.maxMs = ms
  }

  /** Upper edge of the bucket holding the q-quantile, in ms (never above the max seen). */
  quantileMs (q: number): number {
    if (this.total === 0) return 0
    const rank = Math.ceil(q * this.total)
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!
      if (seen >= rank) return Math.min(this.maxMs, GROWTH ** (i + 1) / 1000)
    }
    return this.maxMs
  }

  summary (): LatencySummary {
    return {
      count: this.total,
      meanMs: this.total === 0 ? 0 : this.sumMs / this.total,
      p50Ms: this.quantileMs(0.5),
      p90Ms: this.quantileMs(0.9),
      p99Ms: this.quantileMs(0.99),
      p999Ms: this.quantileMs(0.999),
      maxMs: this.maxMs
    }
  }
}
