// The files an answer carries, as the parser returns them and as the checks see them.

/** One file of an accepted answer: a relative POSIX path and its exact content (empty, or ending with LF). */
export interface AnswerFile {
  path: string;
  content: string;
}

/** A file block with the answer line of its begin marker, so every problem can point at it. */
export interface LocatedFile extends AnswerFile {
  /** 1-based line of the `<<<qlf:file …>>>` marker in the answer. */
  line: number;
}
