#!/usr/bin/env node
// Koa plus @koa/router per request, with no sockets: real IncomingMessage and ServerResponse
// objects through a Koa app shaped like the gateway (an outer async middleware, four routes,
// a /lines route setting a header and a Buffer body). Prints the median ns per request of
// 7 rounds of 200,000. `--lean` first replaces Koa's response.set with a direct setHeader for
// one string header, and makes ctx.host free: what session 11's two patch candidates saved (the
// router here is the gateway's, patched since session 12 not to read ctx.host, so now only the
// response.set part differs).
// `--raw` answers /lines the way the gateway has since session 12: ctx.respond = false and one
// writeHead with an object literal; `--spread` the same with the common header spread into that
// object, which costs about what `--raw` saves.
//   node bench/scripts/koa-dispatch-loop.cjs [--lean | --raw | --spread]
const { join } = require('node:path')
const http = require('node:http')
const { Socket } = require('node:net')
const gateway = join(__dirname, '..', '..', 'packages', 'gateway')
const Koa = require(require.resolve('koa', { paths: [gateway] }))
const Router = require(require.resolve('@koa/router', { paths: [gateway] }))

const mode = ['--lean', '--raw', '--spread'].find((flag) => process.argv.includes(flag))?.slice(2) ?? 'as installed'
const lean = mode === 'lean'
const writesRaw = mode === 'raw' || mode === 'spread'
const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff' }
const app = new Koa()
app.silent = true
if (lean) {
  const koaSet = app.response.set
  app.response.set = function (field, val) {
    if (typeof field !== 'string' || Array.isArray(val)) return koaSet.call(this, field, val)
    if (!this.headerSent) this.res.setHeader(field, val)
  }
  Object.defineProperty(app.context, 'host', { get () { return '' } })
}
const BODY = Buffer.alloc(60, 97)
// The gateway's outer middleware times each request; so does this one, into a sum.
let served = 0
let handlerMs = 0
app.use(async function outer (ctx, next) {
  const started = performance.now()
  // Like the gateway: the common header before the route only while the route answers through Koa.
  if (!writesRaw) ctx.set(COMMON_HEADERS)
  try { await next() } catch { ctx.status = 500 } finally {
    handlerMs += performance.now() - started
    served++
  }
})
const router = new Router()
router.get('/lines/:n', async (ctx) => {
  if (!(Number(ctx.params.n) >= 1)) ctx.throw(400)
  await null
  if (writesRaw) {
    ctx.respond = false
    const headers = mode === 'raw'
      ? { 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': BODY.length }
      : { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': BODY.length }
    ctx.res.writeHead(200, headers).end(BODY)
    return
  }
  ctx.set('Content-Type', 'text/plain; charset=utf-8')
  ctx.body = BODY
})
for (const path of ['/healthz', '/readyz', '/metrics']) router.get(path, (ctx) => { ctx.body = 'ok' })
app.use(router.routes())
app.use(async (ctx) => { ctx.status = 404 })
const handle = app.callback()
const socket = new Socket()

function request (i) {
  const req = new http.IncomingMessage(socket)
  req.method = 'GET'
  req.url = `/lines/${i % 100000 + 1}`
  req.httpVersionMajor = 1
  req.httpVersionMinor = 1
  req.httpVersion = '1.1'
  req.headers = { host: '127.0.0.1:8080', 'user-agent': 'wrk' }
  return handle(req, new http.ServerResponse(req))
}

async function round (count) {
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i += 100) {
    const pending = []
    for (let j = 0; j < 100; j++) pending.push(request(i + j))
    await Promise.all(pending)
  }
  return Number(process.hrtime.bigint() - started) / count
}

;(async () => {
  await round(200000)
  const rounds = []
  for (let k = 0; k < 7; k++) rounds.push(await round(200000))
  rounds.sort((a, b) => a - b)
  if (served < 7 * 200000 || !(handlerMs > 0)) throw new Error('not every request reached the app')
  console.log(`${mode}: median ${rounds[3].toFixed(0)} ns per request (rounds ${rounds.map((r) => r.toFixed(0)).join(' ')})`)
})()
