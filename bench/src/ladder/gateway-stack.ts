// Loads the gateway's own dependencies (koa, @koa/router, the engine, the indexer) the way the
// gateway resolves them, and the gateway's cache, typed by the few members the ladder's rungs
// and the cache simulation use. Nothing else.
//
// Why through the gateway: bench does not depend on these packages (adding them would change
// the workspace lockfile), and a rung must measure exactly the versions the real server runs.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT } from '@line-server/testkit'

const gatewayRequire = createRequire(`${REPO_ROOT}packages/gateway/package.json`)

export interface KoaContext {
  readonly params: Readonly<Record<string, string>>
  body: unknown
  status: number
  set: (field: string, value: string) => void
}
export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void
export interface KoaApp {
  use: (middleware: KoaMiddleware) => KoaApp
  callback: () => (req: IncomingMessage, res: ServerResponse) => void
}
export interface KoaRouter {
  get: (path: string, middleware: KoaMiddleware) => KoaRouter
  routes: () => KoaMiddleware
}

/** A loaded index, passed through to the engine untouched (a SharedArrayBuffer inside). */
export type LineIndexHandle = object

export interface LoadedIndex {
  readonly index: LineIndexHandle
  readonly header: { readonly lineCount: number, readonly dataSizeBytes: number, readonly dataMtimeNs: bigint }
}

export interface LineEngineHandle {
  readonly readLine: (lineIndex: number) => Promise<Buffer>
  readonly close: () => Promise<void>
}

export interface LineReaderHandle {
  readonly readBatch: (lineIndexes: ArrayLike<number>) => { readonly bytes: Uint8Array, readonly lengths: Float64Array }
}

interface EngineModule {
  readonly LineEngine: new (options: { dataPath: string, index: LineIndexHandle, threads: number, expectedData: { sizeBytes: number, mtimeNs: bigint } }) => LineEngineHandle
  readonly LineReader: new (fd: number, index: LineIndexHandle, expected?: { sizeBytes: number, mtimeNs: bigint }) => LineReaderHandle
}

interface IndexerModule {
  readonly ensureIndex: (options: { dataPath: string }) => Promise<LoadedIndex>
}

// require() gets koa's and the router's CommonJS builds: the same source the gateway imports as ESM.
export function createKoaApp (): KoaApp {
  const Koa = gatewayRequire('koa') as new () => KoaApp
  return new Koa()
}

export function createKoaRouter (): KoaRouter {
  const { Router } = gatewayRequire('@koa/router') as { Router: new () => KoaRouter }
  return new Router()
}

// The workspace packages are ES modules: resolve them from the gateway, then import().
async function importFromGateway<T> (specifier: string): Promise<T> {
  return await import(pathToFileURL(gatewayRequire.resolve(specifier)).href) as T
}

export async function loadEngine (): Promise<EngineModule> {
  return await importFromGateway<EngineModule>('@line-server/engine')
}

/** Loads the data file's index, building it first when it is missing or stale (as the server does). */
export async function loadIndex (dataPath: string): Promise<LoadedIndex> {
  const { ensureIndex } = await importFromGateway<IndexerModule>('@line-server/indexer')
  return await ensureIndex({ dataPath })
}

/** The gateway's line cache and its admission policy, as the /lines route uses them. */
export interface LineCacheHandle {
  readonly entries: () => number
  readonly set: (lineIndex: number, line: Buffer) => void
}

export interface HotLinesModule {
  readonly createLineCache: (options: { maxBytes: number, maxLineBytes: number }) => LineCacheHandle
  readonly createHotLines: (cache: LineCacheHandle) => {
    readonly lookup: (lineIndex: number) => Buffer | undefined
    readonly offer: (lineIndex: number, line: Buffer) => void
  }
  /** What the cache charges its budget for a line of this many bytes. */
  readonly cacheEntryBytes: (lineBytes: number) => number
  /** The server's options with their defaults (the cache budget among them). */
  readonly SERVE_OPTIONS: ReadonlyArray<{ readonly flag: string, readonly default?: unknown }>
}

export async function loadHotLines (): Promise<HotLinesModule> {
  return await import(pathToFileURL(`${REPO_ROOT}packages/gateway/dist/src/index.js`).href) as HotLinesModule
}
