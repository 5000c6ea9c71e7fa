// Runs after the router when no route handled the request: 405 with Allow when the path exists
// for other methods (OPTIONS answers 204 with Allow), 404 otherwise.
import type { Context } from 'koa'
import { LineServerError } from '@line-server/shared'

interface MatchedRoute { methods: string[] }

export async function methodGuard (ctx: Context): Promise<void> {
  const matched = (ctx as Context & { matched?: MatchedRoute[] }).matched ?? []
  if (matched.length === 0) throw new LineServerError('ERR_NOT_FOUND', `no route for ${ctx.path.length > 100 ? ctx.path.slice(0, 100) + '…' : ctx.path}`)
  const allowed = [...new Set(matched.flatMap((route) => route.methods)), 'OPTIONS'].join(', ')
  ctx.set('Allow', allowed)
  if (ctx.method === 'OPTIONS') {
    ctx.status = 204
    return
  }
  throw new LineServerError('ERR_METHOD_NOT_ALLOWED', `${ctx.method.slice(0, 20)} is not allowed here; allowed: ${allowed}`)
}
