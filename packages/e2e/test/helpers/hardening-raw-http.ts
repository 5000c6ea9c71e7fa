// Raw TCP conversations with the server for the hardening suite: bytes go out exactly as given
// (no client-side validation or normalisation) and the answers are parsed by a small, strict
// HTTP/1.1 response reader, so malformed and pipelined exchanges can be checked byte for byte.
import { connect, type Socket } from 'node:net'
import type { ExecutionContext } from 'ava'
import { ERROR_STATUS, isErrorCode } from '@line-server/shared'

export interface RawExchange {
  /** Everything the server sent before it closed the socket or the wait ended. */
  readonly data: Buffer
  /** True when the server closed the connection (or reset it) before the wait ended. */
  readonly closedByServer: boolean
  readonly error: string | undefined
}

export interface ParsedResponse {
  readonly status: number
  /** Header names lowercased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

/**
 * Connects, writes `request` (one buffer, or several written `gapMs` apart), and collects what
 * comes back until the server closes, `responses` complete responses or `stopAfterBytes` bytes
 * arrived (then the client hangs up), or `waitMs` passed.
 */
export async function exchange (port: number, request: string | Buffer | ReadonlyArray<string | Buffer>, options: { waitMs?: number, responses?: number, stopAfterBytes?: number, gapMs?: number } = {}): Promise<RawExchange> {
  const parts = Array.isArray(request) ? request : [request]
  const socket = connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  let error: string | undefined
  return await new Promise((resolve) => {
    let settled = false
    const finish = (closedByServer: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ data: Buffer.concat(chunks), closedByServer, error })
    }
    const timer = setTimeout(() => { finish(false) }, options.waitMs ?? 5000)
    let received = 0
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      received += chunk.length
      if (options.stopAfterBytes !== undefined && received >= options.stopAfterBytes) finish(false)
      else if (options.responses !== undefined && parseResponses(Buffer.concat(chunks)).responses.length >= options.responses) finish(false)
    })
    socket.on('error', (err: NodeJS.ErrnoException) => { error = err.code ?? err.message })
    socket.on('close', () => { finish(true) })
    void writeParts(socket, parts.map((p) => typeof p === 'string' ? Buffer.from(p, 'latin1') : p), options.gapMs ?? 0)
  })
}

async function writeParts (socket: Socket, parts: readonly Buffer[], gapMs: number): Promise<void> {
  for (const [i, part] of parts.entries()) {
    if (socket.destroyed) return
    if (i > 0 && gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs))
    socket.write(part)
  }
}

/**
 * Splits a byte stream into complete HTTP/1.1 responses (Content-Length or chunked bodies;
 * a response with neither ends at the end of the stream). `isHead(i)` says the i-th final
 * (non-1xx) response answers a HEAD. `rest` holds trailing bytes that form no complete response.
 */
export function parseResponses (data: Buffer, options: { streamEnded?: boolean, isHead?: (index: number) => boolean } = {}): { responses: ParsedResponse[], rest: Buffer } {
  const responses: ParsedResponse[] = []
  let finals = 0
  let at = 0
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at, 'latin1')
    if (headEnd === -1) break
    const [statusLine, ...headerLines] = data.subarray(at, headEnd).toString('latin1').split('\r\n')
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')
    if (match === null) throw new Error(`not an HTTP response at byte ${at}: ${JSON.stringify(statusLine)}`)
    const headers: Record<string, string> = {}
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
    }
    const status = Number(match[1])
    let bodyStart = headEnd + 4
    let body: Buffer
    // Interim (1xx), 204 and 304 responses and answers to HEAD have no body.
    if (status < 200 || status === 204 || status === 304 || options.isHead?.(finals) === true) {
      body = Buffer.alloc(0)
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = []
      let complete = false
      while (bodyStart < data.length) {
        const lineEnd = data.indexOf('\r\n', bodyStart, 'latin1')
        if (lineEnd === -1) break
        const size = parseInt(data.subarray(bodyStart, lineEnd).toString('latin1'), 16)
        if (size === 0) { bodyStart = lineEnd + 4; complete = true; break }
        if (lineEnd + 2 + size + 2 > data.length) break
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
        bodyStart = lineEnd + 2 + size + 2
      }
      if (!complete) break
      body = Buffer.concat(parts)
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'])
      if (bodyStart + length > data.length) break
      body = data.subarray(bodyStart, bodyStart + length)
      bodyStart += length
    } else {
      if (options.streamEnded !== true) break
      body = data.subarray(bodyStart)
      bodyStart = data.length
    }
    responses.push({ status, headers, body })
    if (status >= 200) finals++
    at = bodyStart
  }
  return { responses, rest: data.subarray(at) }
}

/** The responses of an exchange; fails the test when bytes are left that form no response. */
export function responsesOf (t: ExecutionContext, result: RawExchange, what: string, isHead?: (index: number) => boolean): ParsedResponse[] {
  const { responses, rest } = parseResponses(result.data, { streamEnded: result.closedByServer, isHead })
  t.is(rest.length, 0, `${what}: ${rest.length} bytes after the last complete response: ${JSON.stringify(rest.subarray(0, 80).toString('latin1'))}`)
  return responses
}

export interface ErrorBody {
  readonly code: string
  readonly message: string
}

/**
 * Checks a JSON error body is exactly `{ code, message }` with a registered code whose status is
 * the response's, and that the message carries no stack frame or file path. Returns it.
 */
export function assertErrorBody (t: ExecutionContext, res: { status: number, body: Buffer }, what: string, serverPaths: readonly string[] = []): ErrorBody | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(res.body.toString('utf8'))
  } catch {
    t.fail(`${what}: status ${res.status} with a body that is not JSON: ${JSON.stringify(res.body.subarray(0, 200).toString('utf8'))}`)
    return undefined
  }
  const body = parsed as Record<string, unknown>
  t.deepEqual(Object.keys(body).sort(), ['code', 'message'], `${what}: body keys`)
  if (!isErrorCode(body.code) || typeof body.message !== 'string') {
    t.fail(`${what}: not a { code, message } error body: ${res.body.toString('utf8')}`)
    return undefined
  }
  t.is(ERROR_STATUS[body.code] as number, res.status, `${what}: ${body.code} came with status ${res.status}`)
  assertNoInternals(t, body.message, what, serverPaths)
  return { code: body.code, message: body.message }
}

/**
 * Fails when `text` looks like a stack trace, an errno or an error class name, or names one of
 * `serverPaths` (the data file, its directory, the repository): paths the client never sent.
 */
export function assertNoInternals (t: ExecutionContext, text: string, what: string, serverPaths: readonly string[] = []): void {
  const leaks: string[] = [
    /\n\s*at /, /\bat [\w.<>]+ \(/, /node:internal/, /\.[cm]?[jt]s:\d+/, /\bE(?:NOENT|ACCES|BADF|NOSPC|IO|PERM|MFILE|ISDIR)\b/, /\w*Error:/
  ].filter((pattern) => pattern.test(text)).map(String)
  for (const path of serverPaths) if (path !== '' && text.includes(path)) leaks.push(path)
  t.deepEqual(leaks, [], `${what}: message leaks internals: ${JSON.stringify(text.slice(0, 300))}`)
}

/** GET /healthz over a fresh connection; true when it answers 200 {"status":"ok"}. */
export async function isHealthy (port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10_000) })
    return res.status === 200 && (await res.text()) === '{"status":"ok"}'
  } catch {
    return false
  }
}
