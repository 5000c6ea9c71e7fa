// patches/@koa__router@15.7.0.patch stops @koa/router from reading Koa's ctx.host (and its debug
// log's arguments) on every request when it has no host to match and no debug log is on. These
// tests fail if the patch stops being applied, and check that host matching still works.
import test from 'ava'
import { once } from 'node:events'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import Koa from 'koa'
import Router from '@koa/router'

async function serve (t: { teardown: (fn: () => void) => void }, router: Router): Promise<{ port: number, hostReads: () => number }> {
  const app = new Koa()
  let reads = 0
  const koaHost = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(app.request), 'host')
  Object.defineProperty(app.request, 'host', {
    get () {
      reads++
      return koaHost?.get?.call(this)
    }
  })
  app.use(router.routes())
  const server = createServer(app.callback())
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { port: (server.address() as AddressInfo).port, hostReads: () => reads }
}

async function get (port: number, host: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path: '/x', headers: { host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

test('a router with no host option reads no ctx.host (the patch is applied)', async (t) => {
  const router = new Router()
  router.get('/x', (ctx) => { ctx.body = 'ok' })
  const { port, hostReads } = await serve(t, router)
  for (let i = 0; i < 3; i++) t.is(await get(port, 'anything.test'), 200)
  t.is(hostReads(), 0)
})

test('a router with a host option still answers only that host', async (t) => {
  const router = new Router({ host: 'lines.test' })
  router.get('/x', (ctx) => { ctx.body = 'ok' })
  const { port, hostReads } = await serve(t, router)
  t.is(await get(port, 'lines.test'), 200)
  t.is(await get(port, 'other.test'), 404)
  t.true(hostReads() >= 2)
})
