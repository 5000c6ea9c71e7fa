// Optional bearer-token check for /lines. Compares SHA-256 digests with timingSafeEqual so the
// time taken says nothing about how much of a guess was right, or how long the token is.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, Next } from 'koa'
import { LineServerError } from '@line-server/shared'

export function createBearerAuth (token: string) {
  const expected = digest(token)
  return async function bearerAuth (ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('Authorization')
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header)
    if (match === null || !timingSafeEqual(digest(match[1]!), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="line-server"')
      throw new LineServerError('ERR_UNAUTHORIZED', header === '' ? 'an Authorization: Bearer <token> header is required' : 'the bearer token is not valid')
    }
    await next()
  }
}

function digest (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
