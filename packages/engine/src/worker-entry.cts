// The module Piscina loads in each worker: CommonJS, so that Piscina's first attempt, require(),
// loads it as it is. Piscina tries require() before import(), and on Node 20 require() of an ES
// module goes through require(esm); a worker terminated while that is loading aborts the whole
// process ("FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal" in CreateRequiredModuleFacade).
// The file-churn test hit it once when engines were replaced under load. The lookup code itself
// stays an ES module, loaded here through import(), which a termination stops quietly.
type LookupModule = typeof import('./worker.js')
type Lookup = LookupModule['default']

const loading: Promise<Lookup> = import('./worker.js').then((module: LookupModule) => module.default)
// A worker that fails to load rejects every task with the reason; this keeps the rejection from
// also counting as unhandled before the first task arrives.
loading.catch(() => {})

export = async function lookupBatch (lineIndexes: Parameters<Lookup>[0]): Promise<ReturnType<Lookup>> {
  return (await loading)(lineIndexes)
}
