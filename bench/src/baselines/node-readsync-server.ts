// Baseline a user could write instead of our server: node:http, a dense offsets array, and
// fs.readSync on the main thread. `--processes N` > 1 runs N copies under node:cluster.
// Usage: node node-readsync-server.js <file> [--port 0] [--host 127.0.0.1] [--processes 1]
// Prints one JSON line {"msg":"serving","port":...} when every process listens.
import cluster from 'node:cluster'
import { createServer } from 'node:http'
import { openSync, readSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { scanLineOffsets } from './line-offsets.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, processes: { type: 'string', default: '1' } }
})
const dataPath = positionals[0]
if (dataPath === undefined) throw new Error('usage: node-readsync-server <file> [--port N] [--host H] [--processes N]')
const processes = Number(values.processes)

if (cluster.isPrimary && processes > 1) {
  runPrimary(processes)
} else {
  serve(dataPath, Number(values.port), values.host)
}

function runPrimary (count: number): void {
  let listening = 0
  cluster.on('listening', (_worker, address) => {
    if (++listening === count) log({ msg: 'serving', port: address.port, processes: count, pid: process.pid })
  })
  // Workers listening on port 0 share the one port the primary picks.
  for (let i = 0; i < count; i++) cluster.fork()
  const stop = (): void => { for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM'); process.exit(0) }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

function serve (path: string, port: number, host: string): void {
  const started = performance.now()
  const { offsets, lines } = scanLineOffsets(path)
  const fd = openSync(path, 'r')
  const indexSeconds = (performance.now() - started) / 1000
  const server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
    const match = /^\/lines\/(\d{1,15})$/.exec(req.url ?? '')
    const n = match === null ? NaN : Number(match[1])
    if (!(n >= 1)) { res.writeHead(400, { 'content-type': 'text/plain' }).end('bad line number\n'); return }
    if (n > lines) { res.writeHead(413, { 'content-type': 'text/plain' }).end('past the last line\n'); return }
    const start = offsets[n - 1]!
    const length = offsets[n]! - start - 1
    const line = Buffer.allocUnsafe(length)
    readSync(fd, line, 0, length, start)
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': length }).end(line)
  })
  server.listen({ port, host, backlog: 8192 }, () => {
    const address = server.address()
    if (cluster.isPrimary) log({ msg: 'serving', port: typeof address === 'object' && address !== null ? address.port : port, lines, indexSeconds, processes: 1, pid: process.pid })
  })
  process.once('SIGTERM', () => { server.close(); server.closeAllConnections() })
}

function log (entry: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...entry }) + '\n')
}
