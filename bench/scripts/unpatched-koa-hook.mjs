// Loaded with `node --import` by koa-patch-ab.sh: resolves `koa` to the unpatched copy in
// $UNPATCHED_KOA_DIR, so one build serves both arms of the A/B.
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'

const dir = process.env.UNPATCHED_KOA_DIR
if (dir === undefined || dir === '') throw new Error('UNPATCHED_KOA_DIR is not set')
const target = pathToFileURL(`${dir}/dist/koa.mjs`).href
register(`data:text/javascript,${encodeURIComponent(`
export async function resolve (specifier, context, next) {
  if (specifier === 'koa') return { url: ${JSON.stringify(target)}, shortCircuit: true }
  return next(specifier, context)
}`)}`)
