// Headers every response carries, whichever way it is written: through Koa (app.ts) or
// straight to node's response (the /lines route's answer).
export const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff' } as const
