// The public surface of @line-server/indexer: build or load a data file's index.
export { buildIndex, DEFAULT_CHECKPOINT_EVERY_BYTES, DEFAULT_CHECKPOINT_EVERY_LINES, DEFAULT_INDEX_MAX_BYTES, type BuildIndexOptions, type BuildIndexResult } from './build-index.js'
export { ensureIndex, type EnsureIndexOptions, type EnsuredIndex } from './ensure-index.js'
export { createProgressReporter, type ProgressReporter } from './progress.js'
export { INDEX_OPTIONS, checkReadableFile, resolveUserPath, runCli } from './cli.js'
