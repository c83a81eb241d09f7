/**
 * DatError: a trace.dat that cannot be read as far as it must be (a header, a section, a size past the
 * end of the file, a codec that fails). Its message is one line for the user; it names the place in the
 * file. The reader raises it only for the file's metadata: damage inside the event data is reported as a
 * gap and reading goes on.
 */
export class DatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatError';
  }
}
