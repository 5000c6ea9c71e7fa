// What the request path needs to know about the server's life cycle: whether lines can be
// served yet, and whether it is draining. Mutated only by main.ts.
export interface LineSource {
  readonly lineCount: number
  readonly readLine: (lineIndex: number) => Promise<Buffer>
}

export interface ServingState {
  source: LineSource | undefined
  shuttingDown: boolean
}

export function createServingState (): ServingState {
  return { source: undefined, shuttingDown: false }
}
