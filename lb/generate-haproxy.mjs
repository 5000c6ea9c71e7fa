#!/usr/bin/env node
// Writes an HAProxy config balancing /lines/<n> over line-server replicas (stdout, or --out).
//   node lb/generate-haproxy.mjs --compose [--replicas 3]          the docker-compose config (lb/haproxy.cfg)
//   node lb/generate-haproxy.mjs --bind 127.0.0.1:8080 --server 127.0.0.1:9001 --server 127.0.0.1:9002
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { renderHaproxyConfig } from './haproxy-config.mjs'

const USAGE = `Usage: generate-haproxy.mjs (--compose [--replicas N] | --server host:port ...) [options]
  --bind host:port           frontend address (default 0.0.0.0:8080)
  --server host:port         a replica; repeat for each
  --compose                  replicas line-server-1..N:8080 via Docker DNS, stats on 0.0.0.0:8404
  --replicas N               replicas for --compose (default 3)
  --stats host:port          HAProxy's own /metrics and /stats (default off, or 0.0.0.0:8404 with --compose)
  --check-interval-ms N      /readyz health-check interval (default 1000)
  --fall N / --rise N        checks to mark a server down / up (default 2 / 2)
  --debug-headers            add X-Line-Server-Backend and X-Line-Server-Server to responses
  --out FILE                 write there instead of stdout`

function optionsFromArgs (argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      bind: { type: 'string' },
      server: { type: 'string', multiple: true },
      compose: { type: 'boolean' },
      replicas: { type: 'string' },
      stats: { type: 'string' },
      'check-interval-ms': { type: 'string' },
      fall: { type: 'string' },
      rise: { type: 'string' },
      'debug-headers': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const replicas = Number(values.replicas ?? 3)
  if (values.compose === true && (!Number.isInteger(replicas) || replicas < 1)) throw new Error(`--replicas must be a positive integer, got ${values.replicas}`)
  const servers = values.compose === true
    ? Array.from({ length: replicas }, (_, i) => `line-server-${i + 1}:8080`)
    : values.server ?? []
  return {
    help: values.help === true,
    out: values.out,
    render: {
      bind: values.bind ?? '0.0.0.0:8080',
      backends: [{ name: 'line_servers', servers }],
      statsBind: values.stats ?? (values.compose === true ? '0.0.0.0:8404' : undefined),
      checkIntervalMs: positive(values['check-interval-ms'], 1000, '--check-interval-ms'),
      fall: positive(values.fall, 2, '--fall'),
      rise: positive(values.rise, 2, '--rise'),
      dockerDns: values.compose === true,
      debugHeaders: values['debug-headers'] === true
    }
  }
}

function positive (text, fallback, name) {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${text}`)
  return n
}

try {
  const options = optionsFromArgs(process.argv.slice(2))
  if (options.help) {
    process.stdout.write(USAGE + '\n')
  } else {
    const text = renderHaproxyConfig(options.render)
    if (options.out === undefined) process.stdout.write(text)
    else writeFileSync(options.out, text)
  }
} catch (err) {
  process.stderr.write(`generate-haproxy: ${err.message}\n${USAGE}\n`)
  process.exitCode = 2
}
