// `node ops/dist/src/lb-throughput.bench.js`: prints req/s, p50, p99 and the ratio to the direct
// server for each configuration of lb-throughput.ts, then one JSON line. Knobs (env):
//   LB_BENCH_SECONDS (5)  LB_BENCH_WARMUP_SECONDS (1)  LB_BENCH_CONNECTIONS (32)
//   LB_BENCH_WRK_THREADS (1)  LB_BENCH_DATA_MB (64)  LB_BENCH_MAX_LINE (100000)  LB_BENCH_ROUNDS (3)
import { availableParallelism, loadavg } from 'node:os'
import { ensurePackages } from './system-packages.js'
import { measureLbThroughput } from './lb-throughput.js'

function knob (name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`)
  return value
}

const options = {
  seconds: Math.min(knob('LB_BENCH_SECONDS', 5), 10),
  warmupSeconds: knob('LB_BENCH_WARMUP_SECONDS', 1),
  connections: knob('LB_BENCH_CONNECTIONS', 32),
  wrkThreads: knob('LB_BENCH_WRK_THREADS', 1),
  dataBytes: knob('LB_BENCH_DATA_MB', 64) * 1024 * 1024,
  maxLine: knob('LB_BENCH_MAX_LINE', 100_000),
  rounds: Math.max(1, knob('LB_BENCH_ROUNDS', 3))
}
await ensurePackages('haproxy', 'wrk')
const rows = await measureLbThroughput(options)
const ms = (us: number): string => (us / 1000).toFixed(2)
process.stdout.write(`cores ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${options.rounds} rounds of ${options.seconds} s per configuration (median shown), ${options.connections} connections, wrk -t${options.wrkThreads}\n\n`)
process.stdout.write('| configuration | req/s | p50 ms | p99 ms | ratio to direct | req/s of each round | errors + non-2xx |\n|---|---:|---:|---:|---:|---|---:|\n')
for (const r of rows) {
  const errors = r.connectErrors + r.readErrors + r.writeErrors + r.timeouts + r.non2xx
  process.stdout.write(`| ${r.name} | ${Math.round(r.requestsPerSecond)} | ${ms(r.p50Us)} | ${ms(r.p99Us)} | ${r.ratio.toFixed(2)} | ${r.roundsRequestsPerSecond.map(Math.round).join(', ')} | ${errors} |\n`)
}
process.stdout.write(`\n${JSON.stringify({ options, rows })}\n`)
