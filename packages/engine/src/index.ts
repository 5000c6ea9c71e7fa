// The public surface of @line-server/engine: a batching, load-shedding pool of line readers.
export { LineEngine, type LineEngineOptions, type EngineStats } from './line-engine.js'
export { LineReader, LOOKUP_FAILURE_CODES, type LookupBatchResult, type LookupFailureCode, type ExpectedDataFile } from './line-reader.js'
