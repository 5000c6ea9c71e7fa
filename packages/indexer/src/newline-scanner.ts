// The WebAssembly newline finder (newline-scan.wat) with its memory sized for one scan chunk.
// Chunks are read straight into `chunk`, a Buffer over the module's memory: no copy.
import { NEWLINE_SCAN_WASM_BASE64 } from './newline-scan-wasm.js'

const PAGE_BYTES = 64 * 1024

// @types/node 20 does not declare WebAssembly (it lives in lib.dom); the little used here:
interface WasmMemory { readonly buffer: ArrayBuffer, grow: (pages: number) => number }
interface ScannerExports {
  readonly memory: WasmMemory
  readonly found: { readonly value: number }
  readonly findNthNewline: (start: number, end: number, need: number) => number
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

// Compiled once per thread; instances are cheap.
let compiled: object | undefined

export interface NewlineScanner {
  /** Chunk buffer in WebAssembly memory; positions passed below are indexes into it. */
  readonly chunk: Buffer
  /** Index of the `need`-th newline in chunk[start, end), or -1 (then `lastFound()` tells how many there were). */
  readonly findNthNewline: (start: number, end: number, need: number) => number
  readonly lastFound: () => number
}

export function createNewlineScanner (chunkBytes: number): NewlineScanner {
  compiled ??= new wasm.Module(Buffer.from(NEWLINE_SCAN_WASM_BASE64, 'base64'))
  const exports = new wasm.Instance(compiled, {}).exports as ScannerExports
  const pages = Math.ceil(chunkBytes / PAGE_BYTES) + 1
  exports.memory.grow(pages - exports.memory.buffer.byteLength / PAGE_BYTES)
  // The memory never grows again, so this view stays valid.
  const chunk = Buffer.from(exports.memory.buffer, 0, chunkBytes)
  return {
    chunk,
    findNthNewline: exports.findNthNewline,
    lastFound: () => exports.found.value
  }
}
