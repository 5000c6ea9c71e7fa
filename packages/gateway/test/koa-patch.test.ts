// patches/koa@3.3.0.patch drops the on-finished listener Koa attached to every response (17%
// of req/s). These tests fail if the patch stops being applied (a Koa upgrade, a lost
// patchedDependencies entry) and check that a client leaving mid-request is still harmless.
import test from 'ava'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import Koa from 'koa'

async function listen (t: { teardown: (fn: () => void) => void }, app: Koa): Promise<{ url: string, server: Server }> {
  const server = createServer(app.callback())
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

test('Koa attaches no on-finished listener to a response (patches/koa@3.3.0.patch is applied)', async (t) => {
  const app = new Koa()
  const seen: boolean[] = []
  app.use((ctx) => {
    seen.push('__onFinished' in ctx.res)
    ctx.body = 'ok'
  })
  const { url } = await listen(t, app)
  for (let i = 0; i < 3; i++) {
    const response = await fetch(url)
    t.is(await response.text(), 'ok')
  }
  t.deepEqual(seen, [false, false, false])
})

test('clients that leave while their requests are pending leave the server serving', async (t) => {
  const app = new Koa()
  app.silent = true
  const appErrors: unknown[] = []
  app.on('error', (err) => { appErrors.push(err) })
  let started = 0
  let finished = 0
  app.use(async (ctx) => {
    if (ctx.path === '/slow') {
      started++
      await sleep(100)
      finished++
    }
    ctx.body = Buffer.from('bytes')
  })
  const { url, server } = await listen(t, app)
  const { port } = server.address() as AddressInfo
  const sockets = Array.from({ length: 20 }, () => {
    const socket = connect(port, '127.0.0.1', () => { socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n') })
    return socket
  })
  while (started < sockets.length) await sleep(5)
  for (const socket of sockets) socket.destroy()
  while (finished < sockets.length) await sleep(5)
  await sleep(20)
  const response = await fetch(`${url}/fast`)
  t.is(response.status, 200)
  t.is(await response.text(), 'bytes')
  t.deepEqual(appErrors, [])
})
