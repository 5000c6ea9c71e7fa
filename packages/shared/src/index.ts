// The public surface of @line-server/shared: error codes, the index format and its store,
// option parsing. Nothing here touches HTTP or worker pools.
export * from './errors.js'
export * from './index-format.js'
export * from './index-store.js'
export * from './index-location.js'
export * from './line-index.js'
export * from './fingerprint.js'
export * from './options.js'
export * from './line-number.js'
