/** The request body cannot be read at all: the receiver answers 400 with this message. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}
