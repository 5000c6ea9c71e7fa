// The node:http server around the Koa app: timeouts against slow clients, a deep listen
// backlog for connection bursts, and a drain that lets in-flight requests finish.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Koa from 'koa'
import type { ServerConfig } from './config.js'

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
  return server
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
 * Stops accepting, lets in-flight requests finish (idle keep-alive sockets are closed now,
 * busy ones after their response), and after `timeoutMs` closes whatever is left.
 * Resolves true when everything finished in time.
 */
export async function drain (server: Server, timeoutMs: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections()
      resolve(false)
    }, timeoutMs)
    server.close(() => {
      clearTimeout(timer)
      resolve(true)
    })
    server.closeIdleConnections()
  })
}
