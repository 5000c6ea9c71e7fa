// The node:http server around the Koa app: timeouts against slow clients, a deep listen
// backlog for connection bursts, and a drain that lets in-flight responses finish.
import { createServer, type Server } from 'node:http'
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net'
import type Koa from 'koa'
import type { ServerConfig } from './config.js'

interface ConnectionState { activeRequests: number }
const connections = new WeakMap<Server, Map<Socket, ConnectionState>>()
const draining = new WeakSet<Server>()

export function createHttpServer (app: Koa, config: Pick<ServerConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>): Server {
  const server = createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node enforces the two timeouts above only when it sweeps connections, every 30 s by
    // default; a slow-header client would overstay its headersTimeout by that much.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(config.headersTimeoutMs / 2))),
    // Small responses: send them now rather than waiting to coalesce with the next write.
    noDelay: true
  }, app.callback())
  trackConnections(server)
  return server
}

// Which sockets are in the middle of a request, so a drain can end only the others.
function trackConnections (server: Server): void {
  const states = new Map<Socket, ConnectionState>()
  connections.set(server, states)
  server.on('connection', (socket: Socket) => {
    states.set(socket, { activeRequests: 0 })
    socket.once('close', () => { states.delete(socket) })
  })
  server.on('request', (req, res) => {
    const state = states.get(req.socket)
    if (state === undefined) return
    state.activeRequests++
    res.once('close', () => {
      state.activeRequests--
      if (draining.has(server) && state.activeRequests === 0) req.socket.end()
    })
  })
}

export async function listen (server: Server, port: number, host: string, backlog: number): Promise<AddressInfo> {
  return await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/**
 * Stops accepting and lets every in-flight response finish; each connection is ended (FIN
 * after its queued bytes) once it has no request in progress. After `timeoutMs` whatever is
 * left is destroyed. Resolves true when everything finished in time.
 */
export async function drain (server: Server, timeoutMs: number): Promise<boolean> {
  draining.add(server)
  const states = connections.get(server) ?? new Map<Socket, ConnectionState>()
  return await new Promise((resolve) => {
    const timer = setTimeout(() => {
      for (const socket of states.keys()) socket.destroy()
      resolve(false)
    }, timeoutMs)
    // net.Server's close, not http.Server's: the latter first destroys every connection it
    // deems idle, and it deems a response idle once res.end() is called, with most of a large
    // body still queued in the socket.
    NetServer.prototype.close.call(server, () => {
      clearTimeout(timer)
      resolve(true)
    })
    for (const [socket, state] of states) if (state.activeRequests === 0) socket.end()
  })
}
