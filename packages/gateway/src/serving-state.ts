// What the request path needs to know about the server's life cycle: whether lines can be
// served now (and if not, which 503 to give), and whether it is draining.
import type { ErrorCode } from '@line-server/shared'

export interface LineSource {
  readonly lineCount: number
  /** The 0-based lines this server answers for, inclusive; the whole file unless sharded. */
  readonly firstLineIndex: number
  readonly lastLineIndex: number
  readonly readLine: (lineIndex: number) => Promise<Buffer>
}

export interface ServingState {
  source: LineSource | undefined
  /** The 503 code to answer while `source` is undefined. */
  unavailable: ErrorCode
  shuttingDown: boolean
}

export function createServingState (): ServingState {
  return { source: undefined, unavailable: 'ERR_NOT_READY', shuttingDown: false }
}

/** Lines can be served: the index is loaded, the engine is up and the server is not draining. */
export function isReady (state: ServingState): boolean {
  return state.source !== undefined && !state.shuttingDown
}
