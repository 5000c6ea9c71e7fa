// One rung of the cost ladder as its own server process (the driver starts one per rung).
// Usage: node rung-server.js <rung> <data file> [--port 0] [--host 127.0.0.1]
// Prints one JSON line {"msg":"serving","port":...} once it listens; SIGTERM stops it.
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { createRungHandler } from './rung-handlers.js'
import { timedRequests } from './koa-rungs.js'
import { isServedRung, RUNG_NAMES } from './rungs.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } }
})
const [rung, dataPath] = positionals
if (rung === undefined || !isServedRung(rung) || dataPath === undefined) {
  throw new Error(`usage: rung-server <${RUNG_NAMES.filter(isServedRung).join('|')}> <data file> [--port N] [--host H]`)
}

const handler = await createRungHandler(rung, dataPath)
// The same socket settings as the server and the baseline, so rungs differ only by their layers.
const server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, handler.listener)
server.listen({ port: Number(values.port), host: values.host, backlog: 8192 }, () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : Number(values.port)
  process.stdout.write(JSON.stringify({ msg: 'serving', rung, port, pid: process.pid }) + '\n')
})
process.once('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  void handler.close().finally(() => {
    if (timedRequests.count > 0) process.stderr.write(`${rung}: ${timedRequests.count} timed requests, mean ${(timedRequests.totalMs / timedRequests.count).toFixed(3)} ms\n`)
    // Piscina and worker handles may outlive close() by a moment; the rung has nothing left to do.
    process.exit(0)
  })
})
