// The module Piscina loads in each worker: CommonJS, so that Piscina's first attempt, require(),
// loads it as it is. Piscina tries require() before import(), and on Node 20 require() of an ES
// module goes through require(esm); a worker terminated while that is loading aborts the whole
// process ("FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal" in CreateRequiredModuleFacade).
// The file-churn test hit it once when engines were replaced under load. The lookup code itself
// stays an ES module, loaded here through import(), which a termination stops quietly.
type LookupModule = typeof import('./worker.js')
type Lookup = LookupModule['default']

// Piscina awaits `default` before it reports the worker ready, so the lookup module is loaded
// (and its file closed) before the first task, and tasks call the lookup itself. A module that
// fails to load answers every task with the reason instead.
const lookup: Promise<Lookup> = import('./worker.js').then(
  (module: LookupModule) => module.default,
  (err: unknown) => (): never => { throw err })

export = { __esModule: true, default: lookup }
