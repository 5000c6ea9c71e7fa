#!/usr/bin/env node
// Writes an HAProxy config that routes /lines/<n> to the shard owning line n.
//   node lb/generate-shards.mjs shards.json [--bind host:port] [--stats host:port] [--out FILE]
// shards.json: [{ "lines": "1-5000000", "servers": ["host:port", ...] }, ...], ranges 1-based and
// inclusive, together covering 1..B without gaps or overlaps (order in the file does not matter).
// Lines past the last range, and anything that is not a line number, go to the last shard, whose
// servers answer 413 (past the end of the file) or 400 as an unsharded server would.
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { renderHaproxyConfig } from './haproxy-config.mjs'
import { shardBackends } from './shard-list.mjs'

const USAGE = `Usage: generate-shards.mjs <shards.json | -> [options]
  --bind host:port           frontend address (default 0.0.0.0:8080)
  --stats host:port          HAProxy's own /metrics and /stats (default off)
  --check-interval-ms N      /readyz health-check interval (default 1000)
  --docker-dns               resolve server names through Docker's DNS
  --debug-headers            add X-Line-Server-Backend and X-Line-Server-Server to responses
  --out FILE                 write there instead of stdout`

function main (argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      bind: { type: 'string' },
      stats: { type: 'string' },
      'check-interval-ms': { type: 'string' },
      'docker-dns': { type: 'boolean' },
      'debug-headers': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help === true) { process.stdout.write(USAGE + '\n'); return }
  if (positionals.length !== 1) throw new Error('expected exactly one shard list file (or - for stdin)')
  const source = positionals[0] === '-' ? readFileSync(0, 'utf8') : readFileSync(positionals[0], 'utf8')
  let shards
  try { shards = JSON.parse(source) } catch (err) { throw new Error(`the shard list is not JSON: ${err.message}`) }
  const interval = values['check-interval-ms'] === undefined ? 1000 : Number(values['check-interval-ms'])
  if (!Number.isInteger(interval) || interval < 1) throw new Error(`--check-interval-ms must be a positive integer, got ${values['check-interval-ms']}`)
  const text = renderHaproxyConfig({
    bind: values.bind ?? '0.0.0.0:8080',
    backends: shardBackends(shards),
    statsBind: values.stats,
    checkIntervalMs: interval,
    dockerDns: values['docker-dns'] === true,
    debugHeaders: values['debug-headers'] === true
  })
  if (values.out === undefined) process.stdout.write(text)
  else writeFileSync(values.out, text)
}

try {
  main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`generate-shards: ${err.message}\n${USAGE}\n`)
  process.exitCode = 2
}
