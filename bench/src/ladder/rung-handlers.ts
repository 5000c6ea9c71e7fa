// Builds the request listener of each rung rung-server.ts serves, with what it holds open
// (workers, the engine) to close at the end. Listening and signals are rung-server.ts's job.
import { closeSync, openSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { createKoaListener } from './koa-rungs.js'
import { loadEngine, loadIndex, type LoadedIndex } from './gateway-stack.js'
import type { ReadWorkerData } from './read-worker.js'
import { CONSTANT_BODY_BYTES, type ServedRungName } from './rungs.js'
import { MainThreadTurnReader, WorkerTurnBatcher } from './turn-batching.js'

export interface RungHandler {
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void
  readonly close: () => Promise<void>
}

const BODY = Buffer.alloc(CONSTANT_BODY_BYTES, 'x')
const ECHO_WORKER = new URL('./echo-worker.js', import.meta.url)
const READ_WORKER = new URL('./read-worker.js', import.meta.url)
/** The server's default engine threads (--threads in packages/gateway/src/config.ts). */
const ENGINE_THREADS = Math.min(4, availableParallelism())

const nothingToClose = async (): Promise<void> => {}

function httpConst (): RungHandler {
  return {
    listener: (_req, res) => {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8')
      res.end(BODY)
    },
    close: nothingToClose
  }
}

/** Line n (1-based) as a 0-based index; the load only asks for lines that exist. */
function lineIndexOf (lineNumber: number, loaded: LoadedIndex): number {
  return (lineNumber - 1) % loaded.header.lineCount
}

function workerRung (worker: Worker, lineIndex: (lineNumber: number) => number): RungHandler {
  const batcher = new WorkerTurnBatcher(worker)
  return {
    listener: createKoaListener({ endOfTurn: false, middleware: true, body: async (n) => await batcher.readLine(lineIndex(n)) }),
    close: async () => { await worker.terminate() }
  }
}

async function workerReads (dataPath: string): Promise<RungHandler> {
  const loaded = await loadIndex(dataPath)
  const workerData: ReadWorkerData = { dataPath, index: loaded.index, expectedSizeBytes: loaded.header.dataSizeBytes, expectedMtimeNs: loaded.header.dataMtimeNs.toString() }
  return workerRung(new Worker(READ_WORKER, { workerData }), (n) => lineIndexOf(n, loaded))
}

async function mainThreadReads (dataPath: string): Promise<RungHandler> {
  const loaded = await loadIndex(dataPath)
  const { LineReader } = await loadEngine()
  const fd = openSync(dataPath, 'r')
  const turnReader = new MainThreadTurnReader(new LineReader(fd, loaded.index, { sizeBytes: loaded.header.dataSizeBytes, mtimeNs: loaded.header.dataMtimeNs }))
  return {
    listener: createKoaListener({ endOfTurn: false, middleware: true, body: async (n) => await turnReader.readLine(lineIndexOf(n, loaded)) }),
    close: async () => { closeSync(fd) }
  }
}

async function lineEngine (dataPath: string): Promise<RungHandler> {
  const loaded = await loadIndex(dataPath)
  const { LineEngine } = await loadEngine()
  const engine = new LineEngine({
    dataPath,
    index: loaded.index,
    threads: ENGINE_THREADS,
    expectedData: { sizeBytes: loaded.header.dataSizeBytes, mtimeNs: loaded.header.dataMtimeNs }
  })
  return {
    listener: createKoaListener({ endOfTurn: false, middleware: true, body: async (n) => await engine.readLine(lineIndexOf(n, loaded)) }),
    close: async () => { await engine.close() }
  }
}

export async function createRungHandler (rung: ServedRungName, dataPath: string): Promise<RungHandler> {
  switch (rung) {
    case 'http-const': return httpConst()
    case 'koa-router-const': return { listener: createKoaListener({ endOfTurn: false, middleware: false, body: BODY }), close: nothingToClose }
    case 'koa-router-const-end-of-turn': return { listener: createKoaListener({ endOfTurn: true, middleware: false, body: BODY }), close: nothingToClose }
    case 'koa-middleware-end-of-turn': return { listener: createKoaListener({ endOfTurn: true, middleware: true, body: BODY }), close: nothingToClose }
    case 'koa-main-reads': return await mainThreadReads(dataPath)
    case 'koa-worker-echo': return workerRung(new Worker(ECHO_WORKER), (n) => n - 1)
    case 'koa-worker-reads': return await workerReads(dataPath)
    case 'koa-line-engine': return await lineEngine(dataPath)
  }
}
