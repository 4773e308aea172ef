/** An error the Step Functions API answers with HTTP 400 and `{"__type": code, "message": ...}`. */
export class SfnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
