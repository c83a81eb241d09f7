/**
 * IngestError: an input that cannot be read at all (a missing path, a directory, a binary format not read
 * yet). Its message is one line for the user; everything else in an input is read, however broken.
 */
export class IngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestError';
  }
}
