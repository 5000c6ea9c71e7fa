// The ladder's rungs in order, each one layer more than the one it builds on, and what that
// layer is. Shared by the driver (names, order, tables) and the rung server (which to build).

export const RUNG_NAMES = [
  'http-const',
  'koa-router-const',
  'koa-router-const-end-of-turn',
  'koa-middleware-end-of-turn',
  'koa-main-reads',
  'koa-worker-echo',
  'koa-worker-reads',
  'koa-line-engine',
  'ours',
  'node-readsync'
] as const
export type RungName = typeof RUNG_NAMES[number]

export interface Rung {
  readonly name: RungName
  /** The rung this one adds a layer to; null for the bottom rung and for the side baseline. */
  readonly buildsOn: RungName | null
  /** What the rung serves, or the layer it adds. */
  readonly description: string
}

export const RUNGS: Readonly<Record<RungName, Rung>> = {
  'http-const': { name: 'http-const', buildsOn: null, description: 'node:http answering every request with one constant 100-byte body' },
  'koa-router-const': { name: 'koa-router-const', buildsOn: 'http-const', description: '+ koa and @koa/router (/lines/:n), still the constant body' },
  'koa-router-const-end-of-turn': { name: 'koa-router-const-end-of-turn', buildsOn: 'koa-router-const', description: '+ every response waits for the end of the event-loop turn (one setImmediate shared by the turn\'s requests)' },
  'koa-middleware-end-of-turn': { name: 'koa-middleware-end-of-turn', buildsOn: 'koa-router-const-end-of-turn', description: '+ two outer middlewares: timing with a header, then try/catch (the gateway does both in one)' },
  'koa-main-reads': { name: 'koa-main-reads', buildsOn: 'koa-middleware-end-of-turn', description: '+ the main thread reads the turn\'s lines itself at the end of the turn (the engine\'s LineReader, no worker): this stack with no worker hop' },
  'koa-worker-echo': { name: 'koa-worker-echo', buildsOn: 'koa-middleware-end-of-turn', description: '+ one round trip per turn to a worker thread that answers each line with the constant body, reading nothing' },
  'koa-worker-reads': { name: 'koa-worker-reads', buildsOn: 'koa-worker-echo', description: '+ the worker reads the lines (the engine\'s LineReader, raw worker_threads)' },
  'koa-line-engine': { name: 'koa-line-engine', buildsOn: 'koa-worker-reads', description: '+ the real LineEngine (Piscina pool, batching, load shedding) instead of the raw worker' },
  ours: { name: 'ours', buildsOn: 'koa-line-engine', description: 'the real server (line-server serve, default options): validation, LRU cache, metrics, logging' },
  'node-readsync': { name: 'node-readsync', buildsOn: null, description: 'side baseline: node:http + fs.readSync on the main thread (bench/src/baselines)' }
}

/** The rungs rung-server.ts serves; the other two are existing servers, started as they are. */
export type ServedRungName = Exclude<RungName, 'ours' | 'node-readsync'>

export function isServedRung (name: string): name is ServedRungName {
  return (RUNG_NAMES as readonly string[]).includes(name) && name !== 'ours' && name !== 'node-readsync'
}

/** Bytes of the constant body the lower rungs answer with: about one line of the data file. */
export const CONSTANT_BODY_BYTES = 100
