// The public surface of @line-server/gateway, for tests and embedding: the app and its parts.
export { createApp, type AppDependencies } from './app.js'
export { createLineCache, CACHE_ENTRY_OVERHEAD_BYTES, type LineCache } from './cache.js'
export { createMetrics, createCounters, type ServerMetrics, type ServingCounters } from './metrics.js'
export { createLogger, createMemoryLogger, type Logger } from './logger.js'
export { createServingState, type ServingState, type LineSource } from './serving-state.js'
export { loadServerConfig, SERVE_OPTIONS, type ServerConfig } from './config.js'
export { createHttpServer, listen, drain } from './http-server.js'
export { runMain } from './main.js'
