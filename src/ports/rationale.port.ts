/** A writer of a pick's rationale from facts (a local LLM). */
export interface RationaleWriter {
  /** Which writer and model, for logs and the job result. */
  readonly name: string;
  /** Throws when the writer cannot be used at all (server down, model not pulled): no pick is tried then. */
  probe(): Promise<void>;
  /** A paragraph from the prompt; throws on any failure (timeout, HTTP error, malformed answer). */
  write(system: string, prompt: string): Promise<string>;
}
